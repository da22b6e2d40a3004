package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.scraper.cluster.Wire.bytes;
import static org.dxscraper.scraper.cluster.Wire.received;
import static org.dxscraper.scraper.cluster.Wire.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.parse.WireText;
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
  void decodesAValidUtf8LineAsUtf8() {
    // "Grüße café" as a real DXSpider relays it: C3 BC, C3 9F, C3 A9.
    channel.writeInbound(
        utf8("DX de DL1ABC:  14074.0  W1AW  Gr\u00fc\u00dfe caf\u00e9  0113Z\r\n"));

    assertThat(received(channel))
        .containsExactly("DX de DL1ABC:  14074.0  W1AW  Gr\u00fc\u00dfe caf\u00e9  0113Z");
  }

  @Test
  void decodesALineThatIsNotUtf8AsLatin1() {
    // "<äöü>" in Latin-1: E4 is a UTF-8 lead byte, but F6 does not continue it.
    channel.writeInbound(bytes('<', 0xE4, 0xF6, 0xFC, '>', '\r', '\n'));

    assertThat(received(channel)).containsExactly("<\u00e4\u00f6\u00fc>");
  }

  @Test
  void decodesEachLineOnItsOwn() {
    // Each line on its own. In the second, the Latin-1 "ä" (E4) before a blank looks like a UTF-8
    // char cut after its first byte, as a node's comment cut leaves one, and the line also holds a
    // whole UTF-8 "ä": whole chars as UTF-8, the cut byte as Latin-1 (see WireText).
    channel.writeInbound(
        bytes(
            'a', 0xC3, 0xA4, '\n', // UTF-8 "ä"
            'b', 0xE4, ' ', 0xC3, 0xA4, '\n', // Latin-1 "ä", then the same UTF-8 bytes
            'c', 0xFC, 0xC3, 0xA4, '\n', // Latin-1 "ü" (no UTF-8 lead byte): all Latin-1
            'd', '\n'));

    assertThat(received(channel))
        .containsExactly("a\u00e4", "b\u00e4 \u00e4", "c\u00fc\u00c3\u00a4", "d");
  }

  @Test
  void decodesCharsBeyondTheBasicPlaneAndRejectsMalformedUtf8() {
    channel.writeInbound(bytes(0xF0, 0x9F, 0x98, 0x80, '\n')); // U+1F600, four bytes
    channel.writeInbound(bytes(0xC0, 0xAF, '\n')); // overlong '/'
    channel.writeInbound(bytes(0xED, 0xA0, 0x80, '\n')); // a UTF-16 surrogate
    channel.writeInbound(bytes('x', 0xC3, '\r', '\n')); // a sequence cut by the line end

    assertThat(received(channel))
        .containsExactly("\ud83d\ude00", "\u00c0\u00af", "\u00ed\u00a0\u0080", "x\u00c3");
  }

  @Test
  void decodesLinesFromDirectBuffersAsFromHeapBuffers() {
    // Socket reads arrive in pooled direct buffers; the tests' Unpooled buffers are heap buffers.
    ByteBuf direct = Unpooled.directBuffer();
    direct.writeBytes("a\r\n".getBytes(StandardCharsets.US_ASCII));
    direct.writeBytes("Gr\u00fc\u00dfe\r\n".getBytes(StandardCharsets.UTF_8));
    direct.writeBytes("Gr\u00fc\u00dfe\r\n".getBytes(StandardCharsets.ISO_8859_1));
    direct.writeBytes(("x".repeat(MAX_LINE) + "\n").getBytes(StandardCharsets.US_ASCII));
    channel.writeInbound(direct);

    assertThat(received(channel))
        .containsExactly("a", "Gr\u00fc\u00dfe", "Gr\u00fc\u00dfe", "x".repeat(MAX_LINE));
  }

  @Test
  void decodesAUtf8CharSplitAcrossReads() {
    channel.writeInbound(bytes('G', 'r', 0xC3));
    channel.writeInbound(bytes(0xBC, 0xC3, 0x9F, 'e', '\r', '\n'));

    assertThat(received(channel)).containsExactly("Gr\u00fc\u00dfe");
  }

  @Test
  void keepsNulAndBytesFdToFfForTheParserToJudge() {
    channel.writeInbound(bytes('N', 'U', 0, '1', ' ', 0xFD, 0xFE, 0xFF, '\r', '\n'));

    assertThat(received(channel)).containsExactly("NU\u00001 \u00fd\u00fe\u00ff");
  }

  @Test
  void decodesAPromptWithoutLineEndTheSameWay() {
    channel.writeInbound(utf8("Gr\u00fc\u00dfe, your call: "));

    assertThat(received(channel)).containsExactly(new PartialLine("Gr\u00fc\u00dfe, your call: "));
  }

  @Test
  void findsAHighByteAtEveryPositionOfAnEightByteWord() {
    for (int length = 1; length <= 24; length++) {
      byte[] ascii = new byte[length + 2];
      Arrays.fill(ascii, (byte) 'a');
      ascii[0] = (byte) 0xFF; // outside the range: must not count
      ascii[length + 1] = (byte) 0xFF;
      assertThat(WireText.isAscii(ascii, 1, length)).isTrue();
      for (int at = 1; at <= length; at++) {
        ascii[at] = (byte) 0x80;
        assertThat(WireText.isAscii(ascii, 1, length)).as(length + " " + at).isFalse();
        assertThat(WireText.isAscii(ascii, at + 1, length - at)).isTrue();
        ascii[at] = 'a';
      }
    }
  }

  @Test
  void acceptsExactlyTheUtf8ThatTheJdkDecodesWithoutReplacement() {
    Random random = new Random(9);
    int valid = 0;
    for (int i = 0; i < 200_000; i++) {
      byte[] bytes = new byte[1 + random.nextInt(6)];
      for (int j = 0; j < bytes.length; j++) {
        // Mostly the bytes that matter for UTF-8: leads, continuations, the edges of both.
        bytes[j] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt());
      }
      boolean jdk = jdkDecodesStrictly(bytes);
      assertThat(WireText.isUtf8(bytes, 0, bytes.length))
          .as(HexFormat.of().formatHex(bytes))
          .isEqualTo(jdk);
      valid += jdk ? 1 : 0;
    }
    assertThat(valid).as("valid samples").isGreaterThan(1000);
  }

  private static boolean jdkDecodesStrictly(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static ByteBuf utf8(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
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
