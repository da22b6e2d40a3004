package org.dxscraper.scraper.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Reads a busy node in bursts: after a socket read, the next one waits for the next tick of a
 * {@link #PACE} grid that every node shares, and what arrives meanwhile waits in the kernel's
 * receive buffer and comes in with that read.
 *
 * <p>Why: a node sends each spot as it happens, so without pacing every spot is a wake-up of the
 * event loop, a {@code read()} and a journal {@code write()}. A read costs about 200 µs of
 * event-loop CPU whatever it brings (perf: the system calls, the pause's timer, code and data gone
 * cold between reads), so the number of reads a second is most of the event loop's cost at the
 * rates real nodes send. History: one read a spot was 14 µs a spot at 1,000 spots/s; a 10 ms pace
 * brought about 10 spots a read; a 25 ms pace took the event loop from 18.7 to 14.2 µs a spot; this
 * 200 ms grid, with the writer's batch age cut to match ({@code --batch-age}, 20 ms), from 10.9 to
 * 4.8 (docs/BENCHMARKS.md, "A tenth session"). The wait moved from the writer's queue, where a
 * batch's first row used to wait 200 ms for more, to the kernel's buffer, where it costs nothing.
 *
 * <p>The grid is the event loop's clock in whole multiples of {@link #PACE}, so nodes read on the
 * same ticks, and the writer, gathering for {@code --batch-age}, stores the rows of one tick as one
 * batch however many nodes sent them. A quiet node costs nothing more: the read that waits for its
 * next line is armed, and the pause only follows a read that brought something. A line waits at
 * most a {@link #PACE} for its read, then the writer's batch age and a commit.
 *
 * <p>A read of at least {@link #FULL_READ} bytes (a node sending thousands of lines a second, or a
 * backlog) waits only {@link #SHORT_PACE}, so the kernel's buffer does not fill and TCP does not
 * slow the node (at 1,000 spots/s no zero window, collapsed or pruned queue in {@code nstat}); so
 * does a session still logging in, whose prompts need answers.
 *
 * <p>Back-pressure owns auto-read too ({@link NodeConnector#setReading}): a paused node is not
 * resumed here, and a resume from there simply ends this pause early. A stop reads once more what
 * the kernel holds before it closes ({@link #LAST_READ}), so lines that arrived during the pause
 * are not lost with the connection (a node paused by back-pressure closes at once). Other closes (a
 * stall, a node's error) do not: the connection was silent, or is failing anyway. Event loop only.
 */
final class ReadPacer extends ChannelInboundHandlerAdapter {
  /** The grid a sending node is read on. */
  static final Duration PACE = Duration.ofMillis(200);

  /** The pause after a large read, or while logging in. */
  static final Duration SHORT_PACE = Duration.ofMillis(25);

  /**
   * A read this large (about 400 spot lines, twice what 1,000 spots/s bring in a {@link #PACE})
   * says the node sends faster than the grid should hold in the kernel's buffer, which also pays
   * for each small segment's overhead (a node sends a line or two a segment).
   */
  static final int FULL_READ = 32 * 1024;

  /** How long a stop waits for its last read before it closes anyway: nothing had arrived. */
  static final Duration LAST_READ_WAIT = Duration.ofMillis(50);

  /** User event: read what the kernel holds, then close the channel. */
  static final Object LAST_READ = new Object();

  private final BooleanSupplier paused;
  private final BooleanSupplier loggedIn;
  private ScheduledFuture<?> resume;
  private ScheduledFuture<?> closeTimer;
  private long bytesRead;
  private boolean closing;

  /**
   * @param paused whether back-pressure has stopped reading from this node (a session still logging
   *     in is never paused: it must read its prompts)
   * @param loggedIn whether the session has logged in: until then every pause is {@link
   *     #SHORT_PACE}
   */
  ReadPacer(BooleanSupplier paused, BooleanSupplier loggedIn) {
    this.paused = paused;
    this.loggedIn = loggedIn;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      bytesRead += bytes.readableBytes();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    long bytes = bytesRead;
    bytesRead = 0;
    if (closing) {
      ctx.close();
      return;
    }
    ChannelConfig config = ctx.channel().config();
    if (resume == null && config.isAutoRead() && ctx.channel().isActive()) {
      config.setAutoRead(false);
      long pause =
          bytes >= FULL_READ || !loggedIn.getAsBoolean()
              ? SHORT_PACE.toNanos()
              : untilNextTick(ctx.executor().ticker().nanoTime());
      resume = ctx.executor().schedule(() -> readAgain(ctx), pause, TimeUnit.NANOSECONDS);
    }
  }

  /** Nanoseconds from {@code now} to the next multiple of {@link #PACE}: in (0, PACE]. */
  static long untilNextTick(long now) {
    long pace = PACE.toNanos();
    return pace - Math.floorMod(now, pace);
  }

  private void readAgain(ChannelHandlerContext ctx) {
    resume = null;
    if (!paused.getAsBoolean() && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == LAST_READ) {
      lastRead(ctx);
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  /**
   * Closes the channel after one more read: lines may be waiting in the kernel, during a pause and
   * also just after one ended, when the read is armed but the event loop has not yet polled the
   * socket. The close follows that read, or {@link #LAST_READ_WAIT} when nothing comes. A node
   * paused by back-pressure keeps what waits unread (there is no room for it) and closes at once.
   */
  private void lastRead(ChannelHandlerContext ctx) {
    if (closing) {
      return;
    }
    closing = true;
    if (resume != null) {
      resume.cancel(false);
      resume = null;
    }
    if (paused.getAsBoolean() || !ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    ctx.channel().config().setAutoRead(true);
    closeTimer =
        ctx.executor().schedule(() -> ctx.close(), LAST_READ_WAIT.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (resume != null) {
      resume.cancel(false);
      resume = null;
    }
    if (closeTimer != null) {
      closeTimer.cancel(false);
      closeTimer = null;
    }
    ctx.fireChannelInactive();
  }
}
