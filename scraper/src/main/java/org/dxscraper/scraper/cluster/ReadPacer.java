package org.dxscraper.scraper.cluster;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Reads a busy node in bursts: after a socket read, the next one waits {@link #PACE}, and what
 * arrives meanwhile waits in the kernel's receive buffer and comes in with that read.
 *
 * <p>Why: a node sends each spot as it happens, so without pacing every spot is a wake-up of the
 * event loop, a {@code read()} and a journal {@code write()}. At 1,000 spots/s that was about 14 µs
 * of event-loop CPU per spot, mostly in those system calls (JFR CPU-time samples: {@code
 * EPoll.wait}, {@code read0}, {@code pwrite0}). Paced by 10 ms, a read at that rate brought about
 * 10 spots: {@code strace} counted about 100 reads and 100 journal writes a second instead of 1,000
 * of each. A read still costs about 180 µs of event-loop CPU whatever it brings (perf: the system
 * calls, the pause's timer, code gone cold between reads), so the pace is now 25 ms: at 1,000
 * spots/s the event loop's CPU per spot went from 18.7 to 14.2 µs, side by side two minutes into a
 * run (docs/BENCHMARKS.md, "Where the time goes"). A quiet node costs nothing more: the read that
 * waits for its next line is armed, and the pause only follows a read that brought something. A
 * line waits at most {@link #PACE} longer, which the writer's 200 ms batch age and a commit leave
 * room for within the 250 ms from line to row that #11 asks.
 *
 * <p>Back-pressure owns auto-read too ({@link NodeConnector#setReading}): a paused node is not
 * resumed here, and a resume from there simply ends this pause early. Event loop only.
 */
final class ReadPacer extends ChannelInboundHandlerAdapter {
  /** The pause between two reads of a node that is sending. */
  static final Duration PACE = Duration.ofMillis(25);

  private final BooleanSupplier paused;
  private ScheduledFuture<?> resume;

  /**
   * @param paused whether back-pressure has stopped reading from this node (a session still logging
   *     in is never paused: it must read its prompts)
   */
  ReadPacer(BooleanSupplier paused) {
    this.paused = paused;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    ChannelConfig config = ctx.channel().config();
    if (resume == null && config.isAutoRead() && ctx.channel().isActive()) {
      config.setAutoRead(false);
      resume = ctx.executor().schedule(() -> readAgain(ctx), PACE.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void readAgain(ChannelHandlerContext ctx) {
    resume = null;
    if (!paused.getAsBoolean() && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (resume != null) {
      resume.cancel(false);
      resume = null;
    }
    ctx.fireChannelInactive();
  }
}
