package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Read pacing on virtual time: a pause after each read, never a resume of a paused node. */
class ReadPacerTest {
  private final AtomicBoolean paused = new AtomicBoolean();
  private final EmbeddedChannel channel = new EmbeddedChannel(new ReadPacer(paused::get));

  ReadPacerTest() {
    // Without this the embedded loop's clock also runs in real time, and a slow machine that
    // spends the pace between two statements ends the pause before the test advances to it.
    channel.freezeTime();
  }

  private void read(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    channel.<Object>readInbound(); // passed on untouched
  }

  private void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void theNextReadWaitsThePace() {
    read("DX de K1ABC: ...\r\n");
    assertThat(channel.config().isAutoRead()).isFalse();

    advance(ReadPacer.PACE.toMillis() - 1);
    assertThat(channel.config().isAutoRead()).isFalse();
    advance(1);
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void passesWhatWasReadOnAtOnce() {
    channel.writeInbound(Unpooled.copiedBuffer("line\r\n", StandardCharsets.US_ASCII));
    io.netty.buffer.ByteBuf passed = channel.readInbound();
    assertThat(passed.toString(StandardCharsets.US_ASCII)).isEqualTo("line\r\n");
    passed.release();
  }

  @Test
  void aNodePausedByBackPressureStaysPaused() {
    read("a\r\n");
    paused.set(true);
    channel.config().setAutoRead(false); // what NodeConnector.setReading(false) does

    advance(ReadPacer.PACE.toMillis());

    assertThat(channel.config().isAutoRead()).isFalse();
  }

  @Test
  void aResumeDuringThePauseReadsAtOnceAndTheTimerChangesNothing() {
    read("a\r\n");
    channel.config().setAutoRead(true); // NodeConnector.setReading(true)

    advance(ReadPacer.PACE.toMillis());

    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void onlyOnePauseAtATime() {
    read("a\r\n");
    long half = ReadPacer.PACE.toMillis() / 2;
    advance(half);
    read("b\r\n"); // a read that was already under way when the pause began

    advance(ReadPacer.PACE.toMillis() - half);

    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void aClosedChannelLeavesNoTimer() {
    read("a\r\n");
    channel.close();

    advance(ReadPacer.PACE.toMillis());

    assertThat(channel.hasPendingTasks()).isFalse();
  }
}
