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
 * connection, so two peers that disagree cannot ping-pong (RFC 1143's loop concern).
 *
 * <p>0xFF is telnet's IAC only where it is telnet: nodes relay comment bytes untouched, and a
 * Latin-1 comment may hold 0xFF ('ÿ'), 0xFE ('þ') and 0xFD ('ý'). So no data byte is swallowed on a
 * guess:
 *
 * <ul>
 *   <li>{@code IAC IAC} is one literal 0xFF data byte (RFC 854).
 *   <li>{@code IAC} followed by a byte that is no telnet command is not telnet: both bytes pass as
 *       data. Only the commands of RFC 854 ({@code NOP} to {@code DONT}, and {@code SE} inside a
 *       subnegotiation) are taken; options are refused, so the commands of options (EOR, the
 *       LINEMODE ones) never legitimately arrive.
 *   <li>{@code IAC WILL/WONT/DO/DONT} followed by a byte that is no registered telnet option is not
 *       telnet either: all three bytes pass as data.
 *   <li>0xFD and 0xFE are {@code DO} and {@code DONT} only right after an {@code IAC}; anywhere
 *       else they are data.
 *   <li>A subnegotiation ({@code IAC SB ... IAC SE}) is dropped whole, also when split across
 *       reads; but one that meets an LF or grows past {@value #MAX_SUBNEGOTIATION_BYTES} bytes was
 *       a 0xFF 0xFA in a comment, not telnet, and all of its bytes pass as data after all.
 * </ul>
 *
 * No command byte ever reaches the next handler. The ambiguity that remains is inherent: a Latin-1
 * comment holding 0xFF followed by 0xF1 to 0xFA ("ÿñ" to "ÿú"), or by 0xFB to 0xFE and a byte that
 * is an option number (a digit, a space), reads as telnet. UTF-8 text never contains 0xFF (nor 0xF5
 * to 0xFE), so UTF-8 comments always pass whole.
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
   * "SB" was a 0xFF 0xFA in the data and pass it on rather than swallow the stream.
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

  /**
   * The bytes after {@code IAC SB} so far, kept so that a subnegotiation that turns out to be data
   * can be passed on; allocated at the first one.
   */
  private byte[] subnegotiation;

  private int subnegotiationLength;

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
          state = State.DATA;
          if (isOption(b)) {
            wroteReply |= onOption(ctx, verb, b);
          } else {
            // No telnet option has this number: "ÿþý" (FF FE FD) in a Latin-1 comment.
            data.writeByte(IAC).writeByte(verb).writeByte(b);
          }
        }
        case SUBNEGOTIATION -> onSubnegotiation(b, data);
        case SUBNEGOTIATION_COMMAND -> onSubnegotiationCommand(b, data);
      }
    }
    in.skipBytes(in.readableBytes());
    return wroteReply;
  }

  /**
   * RFC 854's commands NOP (0xF1) to DONT (0xFE), and IAC itself (the escaped 0xFF). SE (0xF0) ends
   * a subnegotiation and means nothing elsewhere.
   */
  private static boolean isCommand(int b) {
    return b > SE;
  }

  /**
   * The options in IANA's telnet option registry: 0 to 49, 138 to 140 and 255 (EXOPL); any other
   * byte after WILL, WONT, DO or DONT is data. The unregistered options of MUD servers (MCCP, GMCP)
   * are no DX cluster's business: offered, they would show as text and simply not be accepted.
   */
  private static boolean isOption(int b) {
    // BEL, LF and CR are registered options (7, 10, 13) no node negotiates, and taking them as
    // options would swallow a line end after "ÿý" in a comment and merge two lines.
    return (b <= 49 && b != 7 && b != 10 && b != 13) || (b >= 138 && b <= 140) || b == 255;
  }

  private void onCommand(int b, ByteBuf data) {
    state = State.DATA;
    switch (b) {
      case IAC -> data.writeByte(IAC);
      case WILL, WONT, DO, DONT -> {
        verb = b;
        state = State.OPTION;
      }
      case SB -> {
        if (subnegotiation == null) {
          subnegotiation = new byte[MAX_SUBNEGOTIATION_BYTES];
        }
        subnegotiationLength = 0;
        state = State.SUBNEGOTIATION;
      }
      default -> {
        if (!isCommand(b)) {
          // Not telnet: a 0xFF in a comment ("ÿ" in Latin-1) followed by ordinary text.
          data.writeByte(IAC).writeByte(b);
        }
        // NOP, GA, AYT, DM and friends carry no data and need nothing from a line reader.
      }
    }
  }

  private void onSubnegotiation(int b, ByteBuf data) {
    if (b == '\n') {
      // Servers send short parameter-less subnegotiations (TTYPE SEND) without LF; an LF here means
      // the "IAC SB" was a 0xFF 0xFA in a comment or line noise.
      notTelnet(b, data);
    } else if (subnegotiationLength == MAX_SUBNEGOTIATION_BYTES) {
      tooLong(b, data);
    } else {
      subnegotiation[subnegotiationLength++] = (byte) b;
      if (b == IAC) {
        state = State.SUBNEGOTIATION_COMMAND;
      }
    }
  }

  /** After an IAC inside a subnegotiation, which {@code subnegotiation} already holds. */
  private void onSubnegotiationCommand(int b, ByteBuf data) {
    if (b == SE) {
      subnegotiationLength = 0; // a real subnegotiation, dropped: we negotiate nothing
      state = State.DATA;
    } else if (b == IAC) {
      // An escaped 0xFF inside the parameters.
      if (subnegotiationLength == MAX_SUBNEGOTIATION_BYTES) {
        tooLong(b, data);
      } else {
        subnegotiation[subnegotiationLength++] = (byte) b;
        state = State.SUBNEGOTIATION;
      }
    } else if (isCommand(b)) {
      // IAC <command> inside SB is a protocol error: treat it as the end of the subnegotiation
      // and the start of a new command, which is what it most likely is.
      subnegotiationLength = 0;
      onCommand(b, data);
    } else {
      notTelnet(b, data);
    }
  }

  private void tooLong(int b, ByteBuf data) {
    log.warn(
        "{}: telnet subnegotiation longer than {} bytes without IAC SE, passing it on as data",
        node,
        MAX_SUBNEGOTIATION_BYTES);
    notTelnet(b, data);
  }

  /**
   * The "IAC SB" and the bytes after it were not telnet: hands them on as the data they are, then
   * {@code b}, and reads data again.
   */
  private void notTelnet(int b, ByteBuf data) {
    data.writeByte(IAC).writeByte(SB).writeBytes(subnegotiation, 0, subnegotiationLength);
    data.writeByte(b);
    subnegotiationLength = 0;
    state = State.DATA;
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
