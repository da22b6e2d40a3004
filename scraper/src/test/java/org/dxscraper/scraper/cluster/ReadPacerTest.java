package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Read pacing on virtual time: a pause to the next tick of the grid after each read, a short one
 * after a large read or while logging in, never a resume of a paused node, a last read at a stop.
 */
class ReadPacerTest {
  private static final long PACE = ReadPacer.PACE.toNanos();

  private final AtomicBoolean paused = new AtomicBoolean();
  private final AtomicBoolean loggedIn = new AtomicBoolean(true);
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new ReadPacer(paused::get, loggedIn::get));

  ReadPacerTest() {
    // Without this the embedded loop's clock also runs in real time, and a slow machine that
    // spends the pace between two statements ends the pause before the test advances to it.
    channel.freezeTime();
  }

  private void read(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    ByteBuf passed = channel.readInbound(); // passed on untouched
    passed.release();
  }

  private void advanceNanos(long nanos) {
    channel.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
  }

  private long now() {
    return channel.eventLoop().ticker().nanoTime();
  }

  /** Moves the clock to {@code offset} nanoseconds past a tick of the grid. */
  private void moveToTickPlus(long offset) {
    advanceNanos(ReadPacer.untilNextTick(now()) + offset);
  }

  @Test
  void theNextReadWaitsForTheNextTickOfTheGrid() {
    moveToTickPlus(PACE / 4);
    read("DX de K1ABC: ...\r\n");
    assertThat(channel.config().isAutoRead()).isFalse();

    advanceNanos(PACE - PACE / 4 - 1);
    assertThat(channel.config().isAutoRead()).isFalse();
    advanceNanos(1);
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(Math.floorMod(now(), PACE)).isZero();
  }

  @Test
  void aReadOnATickWaitsAWholePace() {
    moveToTickPlus(0);
    read("a\r\n");

    advanceNanos(PACE - 1);
    assertThat(channel.config().isAutoRead()).isFalse();
    advanceNanos(1);
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void untilNextTickIsAlwaysWithinOnePace() {
    assertThat(ReadPacer.untilNextTick(0)).isEqualTo(PACE);
    assertThat(ReadPacer.untilNextTick(1)).isEqualTo(PACE - 1);
    assertThat(ReadPacer.untilNextTick(PACE - 1)).isEqualTo(1);
    assertThat(ReadPacer.untilNextTick(7 * PACE + 5)).isEqualTo(PACE - 5);
    assertThat(ReadPacer.untilNextTick(-1)).isEqualTo(1); // a ticker may start below zero
  }

  @Test
  void aLargeReadWaitsOnlyTheShortPace() {
    moveToTickPlus(PACE / 4);
    // Two buffers in one read, together just the size that counts as large.
    channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(new byte[ReadPacer.FULL_READ / 2]));
    channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(new byte[ReadPacer.FULL_READ / 2]));
    channel.pipeline().fireChannelReadComplete();
    ((ByteBuf) channel.readInbound()).release();
    ((ByteBuf) channel.readInbound()).release();

    advanceNanos(ReadPacer.SHORT_PACE.toNanos());

    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void theSizeOfAReadStartsAgainAtTheNextRead() {
    moveToTickPlus(PACE / 4);
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[ReadPacer.FULL_READ - 1]));
    ((ByteBuf) channel.readInbound()).release();
    moveToTickPlus(PACE / 4);
    read("a\r\n"); // with the one before, more than FULL_READ: not a large read on its own

    advanceNanos(ReadPacer.SHORT_PACE.toNanos());

    assertThat(channel.config().isAutoRead()).isFalse();
  }

  @Test
  void aSessionLoggingInWaitsOnlyTheShortPace() {
    loggedIn.set(false);
    moveToTickPlus(PACE / 4);
    read("login: ");

    advanceNanos(ReadPacer.SHORT_PACE.toNanos());

    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void aNodePausedByBackPressureStaysPaused() {
    read("a\r\n");
    paused.set(true);
    channel.config().setAutoRead(false); // what NodeConnector.setReading(false) does

    advanceNanos(PACE);

    assertThat(channel.config().isAutoRead()).isFalse();
  }

  @Test
  void aResumeDuringThePauseReadsAtOnceAndTheTimerChangesNothing() {
    read("a\r\n");
    channel.config().setAutoRead(true); // NodeConnector.setReading(true)

    advanceNanos(PACE);

    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void onlyOnePauseAtATime() {
    moveToTickPlus(0);
    read("a\r\n");
    advanceNanos(PACE / 2);
    read("b\r\n"); // a read that was already under way when the pause began

    advanceNanos(PACE - PACE / 2);

    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void aClosedChannelLeavesNoTimer() {
    read("a\r\n");
    channel.close();

    advanceNanos(PACE);

    assertThat(channel.hasPendingTasks()).isFalse();
  }

  @Test
  void aStopDuringAPauseReadsOnceMoreThenCloses() {
    read("a\r\n");
    List<String> downstream = new ArrayList<>();
    channel
        .pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                downstream.add("read, open " + ctx.channel().isOpen());
                ctx.fireChannelRead(msg);
              }

              @Override
              public void channelReadComplete(ChannelHandlerContext ctx) {
                downstream.add("read complete, open " + ctx.channel().isOpen());
              }
            });

    channel.pipeline().fireUserEventTriggered(ReadPacer.LAST_READ);

    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(channel.isOpen()).isTrue();
    read("b\r\n"); // what waited in the kernel: passed on whole, then the channel closes
    assertThat(downstream).containsExactly("read, open true", "read complete, open true");
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.hasPendingTasks()).isFalse();
  }

  @Test
  void aStopDuringAPauseClosesAfterTheLastReadWaitWhenNothingCame() {
    read("a\r\n");
    channel.pipeline().fireUserEventTriggered(ReadPacer.LAST_READ);

    advanceNanos(ReadPacer.LAST_READ_WAIT.toNanos() - 1);
    assertThat(channel.isOpen()).isTrue();
    advanceNanos(1);

    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aStopJustAfterAPauseEndedStillReadsOnceMore() {
    // The tick ended the pause, but the event loop has not polled the socket since: what waited
    // there through the pause is still unread.
    moveToTickPlus(PACE / 4);
    read("a\r\n");
    moveToTickPlus(0);
    assertThat(channel.config().isAutoRead()).isTrue();

    channel.pipeline().fireUserEventTriggered(ReadPacer.LAST_READ);

    assertThat(channel.isOpen()).isTrue();
    read("b\r\n");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aStopWithNothingToReadClosesAfterTheLastReadWait() {
    channel.pipeline().fireUserEventTriggered(ReadPacer.LAST_READ);

    assertThat(channel.config().isAutoRead()).isTrue();
    advanceNanos(ReadPacer.LAST_READ_WAIT.toNanos());
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aSecondStopChangesNothing() {
    read("a\r\n");
    channel.pipeline().fireUserEventTriggered(ReadPacer.LAST_READ);
    channel.pipeline().fireUserEventTriggered(ReadPacer.LAST_READ);

    read("b\r\n");

    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.hasPendingTasks()).isFalse();
  }

  @Test
  void aStopOfANodePausedByBackPressureClosesAtOnce() {
    read("a\r\n");
    paused.set(true);

    channel.pipeline().fireUserEventTriggered(ReadPacer.LAST_READ);

    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.config().isAutoRead()).isFalse();
  }

  @Test
  void otherUserEventsPassOn() {
    List<Object> seen = new ArrayList<>();
    channel
        .pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                seen.add(event);
              }
            });
    Object event = new Object();

    channel.pipeline().fireUserEventTriggered(event);

    assertThat(seen).containsExactly(event);
    assertThat(channel.isOpen()).isTrue();
  }
}
