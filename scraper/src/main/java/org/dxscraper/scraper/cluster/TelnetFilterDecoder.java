package org.dxscraper.scraper.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes telnet commands from the byte stream and refuses every option.
 *
 * <p>DXSpider negotiates nothing, but some RBN relays open with {@code IAC WONT LINEMODE} and other
 * telnet servers ask for terminal type or window size. We speak plain NVT: a {@code DO} is answered
 * with {@code WONT}, a {@code WILL} with {@code DONT}, and {@code WONT}/{@code DONT} need no answer
 * because they confirm what we already have. Each (verb, option) pair is answered once per
 * connection, so two peers that disagree cannot ping-pong (RFC 1143's loop concern). {@code IAC
 * IAC} is a literal 0xFF data byte; subnegotiations ({@code IAC SB ... IAC SE}) are dropped whole,
 * also when split across reads, but never past an LF or {@value #MAX_SUBNEGOTIATION_BYTES} bytes,
 * so a stray 0xFF 0xFA costs at most the rest of its line. No command byte ever reaches the next
 * handler.
 *
 * <p>Not sharable: holds the parser state of one connection. Runs on the channel's event loop.
 */
final class TelnetFilterDecoder extends ChannelInboundHandlerAdapter {

  static final int IAC = 0xFF;
  static final int DONT = 0xFE;
  static final int DO = 0xFD;
  static final int WONT = 0xFC;
  static final int WILL = 0xFB;
  static final int SB = 0xFA;
  static final int SE = 0xF0;

  /**
   * Option subnegotiations are a few bytes (terminal type, window size). Past this we assume the
   * "SB" was line noise and resume reading data rather than swallow the stream.
   */
  static final int MAX_SUBNEGOTIATION_BYTES = 256;

  private static final Logger log = LoggerFactory.getLogger(TelnetFilterDecoder.class);

  private enum State {
    DATA,
    COMMAND,
    OPTION,
    SUBNEGOTIATION,
    SUBNEGOTIATION_COMMAND
  }

  private final String node;
  private final NodeCounters counters;

  /** Bit {@code (verb - WILL) * 256 + option}: the pairs already answered. */
  private final BitSet answered = new BitSet(4 * 256);

  private State state = State.DATA;
  private int verb;
  private int subnegotiationBytes;

  TelnetFilterDecoder(String node, NodeCounters counters) {
    this.node = node;
    this.counters = counters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    // Fast path: almost every read is plain text; pass the buffer on untouched.
    if (state == State.DATA && in.indexOf(in.readerIndex(), in.writerIndex(), (byte) IAC) < 0) {
      ctx.fireChannelRead(in);
      return;
    }
    ByteBuf data = ctx.alloc().buffer(in.readableBytes());
    boolean wroteReply;
    try {
      wroteReply = filter(ctx, in, data);
    } finally {
      in.release();
    }
    if (wroteReply) {
      ctx.flush();
    }
    if (data.isReadable()) {
      ctx.fireChannelRead(data);
    } else {
      data.release();
    }
  }

  /** Copies data bytes of {@code in} to {@code data}; returns whether a reply was written. */
  private boolean filter(ChannelHandlerContext ctx, ByteBuf in, ByteBuf data) {
    boolean wroteReply = false;
    for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
      int b = in.getUnsignedByte(i);
      switch (state) {
        case DATA -> {
          if (b == IAC) {
            state = State.COMMAND;
          } else {
            data.writeByte(b);
          }
        }
        case COMMAND -> onCommand(b, data);
        case OPTION -> {
          wroteReply |= onOption(ctx, verb, b);
          state = State.DATA;
        }
        case SUBNEGOTIATION -> {
          if (b == '\n') {
            // Servers send short parameter-less subnegotiations (TTYPE SEND) without LF; an LF
            // here means the "IAC SB" was a 0xFF 0xFA in a comment or line noise. End it, and the
            // line, rather than swallow the next lines.
            state = State.DATA;
            data.writeByte(b);
          } else {
            onSubnegotiation(b);
          }
        }
        case SUBNEGOTIATION_COMMAND -> {
          if (b == SE) {
            state = State.DATA;
          } else if (b == IAC) {
            state = State.SUBNEGOTIATION; // an escaped 0xFF inside the parameters
          } else {
            // IAC <anything else> inside SB is a protocol error: treat it as the end of the
            // subnegotiation and the start of a new command, which is what it most likely is.
            state = State.COMMAND;
            onCommand(b, data);
          }
        }
      }
    }
    in.skipBytes(in.readableBytes());
    return wroteReply;
  }

  private void onCommand(int b, ByteBuf data) {
    switch (b) {
      case IAC -> {
        data.writeByte(IAC);
        state = State.DATA;
      }
      case WILL, WONT, DO, DONT -> {
        verb = b;
        state = State.OPTION;
      }
      case SB -> {
        subnegotiationBytes = 0;
        state = State.SUBNEGOTIATION;
      }
      // NOP, GA, AYT, DM and friends carry no data and need nothing from a line reader.
      default -> state = State.DATA;
    }
  }

  private void onSubnegotiation(int b) {
    if (b == IAC) {
      state = State.SUBNEGOTIATION_COMMAND;
      return;
    }
    if (++subnegotiationBytes > MAX_SUBNEGOTIATION_BYTES) {
      log.warn(
          "{}: telnet subnegotiation longer than {} bytes without IAC SE, reading data again",
          node,
          MAX_SUBNEGOTIATION_BYTES);
      state = State.DATA;
    }
  }

  private boolean onOption(ChannelHandlerContext ctx, int verb, int option) {
    int reply =
        switch (verb) {
          case DO -> WONT;
          case WILL -> DONT;
          default -> -1; // WONT and DONT: the option stays off, which is where it is
        };
    if (reply < 0) {
      log.debug("{}: telnet {} {} acknowledged", node, name(verb), option);
      return false;
    }
    int pair = (verb - WILL) * 256 + option;
    if (answered.get(pair)) {
      log.debug("{}: telnet {} {} repeated, not answering again", node, name(verb), option);
      return false;
    }
    answered.set(pair);
    counters.negotiationRefused();
    log.debug("{}: telnet {} {} refused with {}", node, name(verb), option, name(reply));
    ByteBuf out = ctx.alloc().buffer(3);
    out.writeByte(IAC).writeByte(reply).writeByte(option);
    ctx.write(out).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    return true;
  }

  private static String name(int verb) {
    return switch (verb) {
      case DO -> "DO";
      case DONT -> "DONT";
      case WILL -> "WILL";
      case WONT -> "WONT";
      default -> Integer.toString(verb);
    };
  }
}
