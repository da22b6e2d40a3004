package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.scraper.cluster.Wire.bytes;
import static org.dxscraper.scraper.cluster.Wire.received;
import static org.dxscraper.scraper.cluster.Wire.text;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LineFrameDecoderTest {

  private static final int MAX_LINE = 100;
  private static final Duration QUIET = Duration.ofMillis(500);

  private NodeCounters counters;
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    counters = new NodeCounters();
    channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(new LineFrameDecoder("test", counters, MAX_LINE, QUIET));
  }

  @Test
  void splitsOnLfAndRemovesCr() {
    channel.writeInbound(text("first\r\nsecond\nthird\r\n"));

    assertThat(received(channel)).containsExactly("first", "second", "third");
    assertThat(counters.linesReceived()).isEqualTo(3);
  }

  @Test
  void stripsTheBelBytesDxSpiderSendsAfterBroadcasts() {
    channel.writeInbound(text("DX de K1XX:  7003.5  JA1ZZZ  loud  0412Z\u0007\u0007\r\n"));

    assertThat(received(channel)).containsExactly("DX de K1XX:  7003.5  JA1ZZZ  loud  0412Z");
  }

  @Test
  void bareCrDoesNotEndALine() {
    channel.writeInbound(text("one\rstill one\r\n"));

    assertThat(received(channel)).containsExactly("one\rstill one");
  }

  @Test
  void keepsBytesAbove0x7fAsLatin1() {
    // "<äöü>" in Latin-1, then "ä" as raw UTF-8 (C3 A4), both as nodes pass them through.
    channel.writeInbound(bytes('<', 0xE4, 0xF6, 0xFC, '>', ' ', 0xC3, 0xA4, '\r', '\n'));

    assertThat(received(channel)).containsExactly("<\u00e4\u00f6\u00fc> \u00c3\u00a4");
  }

  @Test
  void joinsALineSplitAcrossReads() {
    channel.writeInbound(text("DX de K1"));
    channel.writeInbound(text("XX: 14025.0"));
    channel.writeInbound(text(" split\r"));
    channel.writeInbound(text("\nnext\r\n"));

    assertThat(received(channel)).containsExactly("DX de K1XX: 14025.0 split", "next");
  }

  @Test
  void discardsOverlongLineAndKeepsConnection() {
    channel.writeInbound(text("x".repeat(MAX_LINE + 50) + "\r\nafter\r\n"));

    assertThat(received(channel)).containsExactly("after");
    assertThat(counters.overlongLinesDiscarded()).isEqualTo(1);
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void discardsOverlongLineArrivingInPiecesAndCountsItOnce() {
    channel.writeInbound(text("y".repeat(60)));
    channel.writeInbound(text("y".repeat(60)));
    channel.writeInbound(text("y".repeat(60)));
    channel.writeInbound(text("yyy\r\nafter\r\n"));

    assertThat(received(channel)).containsExactly("after");
    assertThat(counters.overlongLinesDiscarded()).isEqualTo(1);
    assertThat(counters.linesReceived()).isEqualTo(1);
  }

  @Test
  void keepsALineOfExactlyTheMaximumLength() {
    channel.writeInbound(text("z".repeat(MAX_LINE) + "\n"));

    assertThat(received(channel)).containsExactly("z".repeat(MAX_LINE));
  }

  @Test
  void firesLoginPromptWithoutNewlineAtOnce() {
    channel.writeInbound(text("login: "));

    assertThat(received(channel)).containsExactly(new PartialLine("login: "));
    assertThat(counters.linesReceived()).isZero();
  }

  @Test
  void firesPromptAfterTheLinesBeforeIt() {
    channel.writeInbound(text("Enter your callsign\r\n\r\nlogin: "));

    assertThat(received(channel))
        .containsExactly("Enter your callsign", "", new PartialLine("login: "));
  }

  @Test
  void firesOtherUnfinishedTextAfterQuietTime() {
    channel.writeInbound(text("Your call"));
    channel.advanceTimeBy(QUIET.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(received(channel)).isEmpty();

    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(received(channel)).containsExactly(new PartialLine("Your call"));
  }

  @Test
  void quietTimeRestartsWhenMoreBytesArrive() {
    channel.writeInbound(text("Your"));
    channel.advanceTimeBy(400, TimeUnit.MILLISECONDS);
    channel.writeInbound(text(" call"));
    channel.advanceTimeBy(400, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(received(channel)).isEmpty();

    channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(received(channel)).containsExactly(new PartialLine("Your call"));
  }

  @Test
  void firesEachPendingTextOnlyOnce() {
    channel.writeInbound(text("login: "));
    channel.advanceTimeBy(5, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();

    assertThat(received(channel)).containsExactly(new PartialLine("login: "));
  }

  @Test
  void completesThePromptLineWhenTheReplyLandsOnIt() {
    // AR-Cluster and DXSpider echo nothing: their reply continues the prompt's line.
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("Hello N0CALL\r\n"));

    assertThat(received(channel))
        .containsExactly(new PartialLine("login: "), "login: Hello N0CALL");
  }
}
