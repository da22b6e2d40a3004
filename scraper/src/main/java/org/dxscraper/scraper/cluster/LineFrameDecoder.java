package org.dxscraper.scraper.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.parse.WireText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into lines: {@code String}s without their line end, decoded as UTF-8 where
 * the line is valid UTF-8 and as ISO-8859-1 otherwise, plus {@link PartialLine} hints for prompts
 * that have no line end.
 *
 * <ul>
 *   <li>A line ends at LF only. DXSpider ends lines in CRLF and a bare CR does not end a line.
 *   <li>Trailing CR and BEL bytes are removed: DXSpider sends {@code \a\a\r\n} after every
 *       broadcast unless the user said {@code unset/beep}.
 *   <li>Each line is decoded on its own, because nodes relay the spotter's comment bytes untouched:
 *       UTF-8 from one spotter ({@code Grüße} arrives as {@code C3 BC C3 9F}), Latin-1 from the
 *       next. A line that is well-formed UTF-8 is decoded as UTF-8; any other line as ISO-8859-1,
 *       which maps every byte to one char and so never loses or replaces one. The parser reads
 *       fields from both ends of a line, so a multi-byte char in a comment moves no field. A line
 *       of ASCII (nearly all of them) is the same in both, and takes the Latin-1 path after one
 *       scan of 8 bytes at a time; only a line with a byte above 0x7F is checked for UTF-8.
 *   <li>A line longer than {@code maxLineLength} bytes before its LF is counted, discarded up to
 *       the next LF, and the connection stays up: bad input is skipped, never fatal.
 *   <li>Login prompts come without a newline ({@code login: }). Bytes left over after a read are
 *       fired as a {@link PartialLine} at once when they end like a prompt (':' or '>', trailing
 *       spaces allowed), otherwise after {@code quietTime} without new bytes, measured with the
 *       event loop's ticker so that tests drive it with virtual time. Each pending text is fired at
 *       most once.
 * </ul>
 *
 * <p>A hand-written splitter rather than Netty's {@code LineBasedFrameDecoder} because the pending
 * bytes must be visible for the partial-line hint; the common case still decodes straight from the
 * read buffer without copying. Not sharable; runs on the channel's event loop.
 */
final class LineFrameDecoder extends ChannelInboundHandlerAdapter {

  /** Long enough that a prompt split over two TCP segments is seen whole, short for a human. */
  static final Duration DEFAULT_QUIET_TIME = Duration.ofMillis(500);

  private static final Logger log = LoggerFactory.getLogger(LineFrameDecoder.class);
  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final byte BEL = 0x07;

  private final String node;
  private final NodeCounters counters;
  private final int maxLineLength;
  private final long quietNanos;

  /** Bytes of the line being received; allocated on first use, released with the handler. */
  private ByteBuf pending;

  /** Where a line from a direct buffer is copied to be decoded; allocated on first use. */
  private byte[] scratch;

  private boolean discarding;
  private int lastPendingLength;
  private long pendingChangedAt;
  private int firedPartialLength;
  private Future<?> quietTimer;

  LineFrameDecoder(String node, NodeCounters counters, int maxLineLength, Duration quietTime) {
    if (maxLineLength < 1) {
      throw new IllegalArgumentException("maxLineLength must be positive, got " + maxLineLength);
    }
    if (quietTime.isNegative() || quietTime.isZero()) {
      throw new IllegalArgumentException("quietTime must be positive, got " + quietTime);
    }
    this.node = node;
    this.counters = counters;
    this.maxLineLength = maxLineLength;
    this.quietNanos = quietTime.toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      split(ctx, in);
    } finally {
      in.release();
    }
    notePending(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (pending != null && pending.isReadable()) {
      log.debug(
          "{}: connection closed with {} bytes of an unfinished line, dropped",
          node,
          pending.readableBytes());
    }
    cancelQuietTimer();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelQuietTimer();
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  private void split(ChannelHandlerContext ctx, ByteBuf in) {
    while (in.isReadable()) {
      int lf = in.indexOf(in.readerIndex(), in.writerIndex(), LF);
      if (lf < 0) {
        keepUnfinished(in);
        return;
      }
      int length = lf - in.readerIndex();
      if (discarding) {
        discarding = false;
      } else if (pendingLength() + length > maxLineLength) {
        discardOverlong(pendingLength() + length);
      } else if (pendingLength() > 0) {
        pending.writeBytes(in, in.readerIndex(), length);
        emit(ctx, pending, pending.readerIndex(), pending.readableBytes());
      } else {
        emit(ctx, in, in.readerIndex(), length);
      }
      clearPending();
      in.readerIndex(lf + 1);
    }
  }

  private void keepUnfinished(ByteBuf in) {
    if (discarding) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int total = pendingLength() + in.readableBytes();
    if (total > maxLineLength) {
      discardOverlong(total);
      clearPending();
      discarding = true;
      in.skipBytes(in.readableBytes());
      return;
    }
    if (pending == null) {
      pending = in.alloc().heapBuffer(Math.min(256, maxLineLength), maxLineLength);
    }
    pending.writeBytes(in);
  }

  private void discardOverlong(int seenBytes) {
    counters.overlongLineDiscarded();
    log.debug(
        "{}: discarding a line of more than {} bytes (saw {}), total discarded {}",
        node,
        maxLineLength,
        seenBytes,
        counters.overlongLinesDiscarded());
  }

  private void emit(ChannelHandlerContext ctx, ByteBuf buf, int from, int length) {
    counters.lineReceived();
    ctx.fireChannelRead(text(buf, from, length));
  }

  /** Decodes a line, dropping trailing CR and BEL bytes; see the class comment for the charset. */
  private String text(ByteBuf buf, int from, int length) {
    int end = from + length;
    while (end > from) {
      byte last = buf.getByte(end - 1);
      if (last != CR && last != BEL) {
        break;
      }
      end--;
    }
    int n = end - from;
    if (buf.hasArray()) {
      return WireText.decode(buf.array(), buf.arrayOffset() + from, n);
    }
    // A socket read lands in a direct buffer: one copy, as ByteBuf.toString makes too.
    if (scratch == null || scratch.length < n) {
      scratch = new byte[Math.max(n, 256)];
    }
    buf.getBytes(from, scratch, 0, n);
    return WireText.decode(scratch, 0, n);
  }

  private int pendingLength() {
    return pending == null ? 0 : pending.readableBytes();
  }

  private void clearPending() {
    if (pending != null) {
      pending.clear();
    }
    lastPendingLength = 0;
    firedPartialLength = 0;
  }

  private void notePending(ChannelHandlerContext ctx) {
    int length = pendingLength();
    if (length == 0 || length == lastPendingLength) {
      return;
    }
    lastPendingLength = length;
    pendingChangedAt = ctx.executor().ticker().nanoTime();
    if (endsLikePrompt()) {
      firePartial(ctx);
    } else if (quietTimer == null) {
      scheduleQuietCheck(ctx, quietNanos);
    }
  }

  private boolean endsLikePrompt() {
    for (int i = pending.writerIndex() - 1; i >= pending.readerIndex(); i--) {
      byte b = pending.getByte(i);
      if (b == ' ' || b == CR || b == BEL) {
        continue;
      }
      return b == ':' || b == '>';
    }
    return false;
  }

  private void scheduleQuietCheck(ChannelHandlerContext ctx, long delayNanos) {
    quietTimer = ctx.executor().schedule(() -> onQuiet(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void onQuiet(ChannelHandlerContext ctx) {
    quietTimer = null;
    int length = pendingLength();
    if (length == 0 || length == firedPartialLength || !ctx.channel().isActive()) {
      return;
    }
    long quietFor = ctx.executor().ticker().nanoTime() - pendingChangedAt;
    if (quietFor < quietNanos) {
      scheduleQuietCheck(ctx, quietNanos - quietFor);
      return;
    }
    firePartial(ctx);
  }

  private void firePartial(ChannelHandlerContext ctx) {
    int length = pending.readableBytes();
    if (length == firedPartialLength) {
      return;
    }
    firedPartialLength = length;
    ctx.fireChannelRead(new PartialLine(text(pending, pending.readerIndex(), length)));
  }

  private void cancelQuietTimer() {
    if (quietTimer != null) {
      quietTimer.cancel(false);
      quietTimer = null;
    }
  }
}
