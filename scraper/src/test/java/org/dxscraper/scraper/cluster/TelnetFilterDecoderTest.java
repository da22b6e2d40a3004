package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.scraper.cluster.Wire.bytes;
import static org.dxscraper.scraper.cluster.Wire.receivedBytes;
import static org.dxscraper.scraper.cluster.Wire.text;
import static org.dxscraper.scraper.cluster.Wire.written;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelnetFilterDecoderTest {

  private static final int IAC = 0xFF;
  private static final int DONT = 0xFE;
  private static final int DO = 0xFD;
  private static final int WONT = 0xFC;
  private static final int WILL = 0xFB;
  private static final int SB = 0xFA;
  private static final int SE = 0xF0;
  private static final int TERMINAL_TYPE = 0x18;
  private static final int ECHO = 0x01;
  private static final int LINEMODE = 0x22;

  private NodeCounters counters;
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    counters = new NodeCounters();
    channel = new EmbeddedChannel(new TelnetFilterDecoder("test", counters));
  }

  @Test
  void passesPlainTextThroughUnchanged() {
    channel.writeInbound(text("DX de K1XX: 14025.0 plain\r\n"));

    assertThat(receivedBytes(channel)).isEqualTo("DX de K1XX: 14025.0 plain\r\n");
    assertThat(written(channel)).isEmpty();
  }

  @Test
  void answersDoWithWont() {
    channel.writeInbound(bytes(IAC, DO, TERMINAL_TYPE, 'o', 'k'));

    assertThat(written(channel)).isEqualTo(chars(IAC, WONT, TERMINAL_TYPE));
    assertThat(receivedBytes(channel)).isEqualTo("ok");
    assertThat(counters.negotiationsRefused()).isEqualTo(1);
  }

  @Test
  void answersWillWithDont() {
    channel.writeInbound(bytes(IAC, WILL, ECHO));

    assertThat(written(channel)).isEqualTo(chars(IAC, DONT, ECHO));
    assertThat(receivedBytes(channel)).isEmpty();
  }

  @Test
  void ignoresRbnWontLinemodeWithoutAnswering() {
    channel.writeInbound(bytes(IAC, WONT, LINEMODE));
    channel.writeInbound(text("Please enter your call: "));

    assertThat(written(channel)).isEmpty();
    assertThat(receivedBytes(channel)).isEqualTo("Please enter your call: ");
    assertThat(counters.negotiationsRefused()).isZero();
  }

  @Test
  void ignoresDontWithoutAnswering() {
    channel.writeInbound(bytes(IAC, DONT, ECHO, 'x'));

    assertThat(written(channel)).isEmpty();
    assertThat(receivedBytes(channel)).isEqualTo("x");
  }

  @Test
  void answersEachRequestOnlyOnceSoPeersCannotLoop() {
    channel.writeInbound(bytes(IAC, DO, TERMINAL_TYPE));
    channel.writeInbound(bytes(IAC, DO, TERMINAL_TYPE));

    assertThat(written(channel)).isEqualTo(chars(IAC, WONT, TERMINAL_TYPE));
    assertThat(counters.negotiationsRefused()).isEqualTo(1);
  }

  @Test
  void keepsALineEndThatFollowsIacAndAVerbInAComment() {
    // "ÿý" ends a Latin-1 comment on a node that ends lines with LF alone.
    channel.writeInbound(bytes('x', ' ', IAC, DO, '\n', 'n', 'e', 'x', 't', '\n'));

    assertThat(receivedBytes(channel)).isEqualTo("x \u00ff\u00fd\nnext\n");
    assertThat(written(channel)).isEmpty();
  }

  @Test
  void turnsDoubledIacIntoOneDataByte() {
    channel.writeInbound(bytes('a', IAC, IAC, 'b'));

    assertThat(receivedBytes(channel)).isEqualTo("a\u00ffb");
  }

  @Test
  void handlesCommandSplitAcrossReads() {
    channel.writeInbound(bytes('a', IAC));
    channel.writeInbound(bytes(DO));
    channel.writeInbound(bytes(TERMINAL_TYPE, 'b'));

    assertThat(written(channel)).isEqualTo(chars(IAC, WONT, TERMINAL_TYPE));
    assertThat(receivedBytes(channel)).isEqualTo("ab");
  }

  @Test
  void dropsSubnegotiationSplitAcrossReads() {
    channel.writeInbound(bytes('x', IAC, SB, TERMINAL_TYPE));
    channel.writeInbound(bytes(1, IAC, IAC, 'q', IAC));
    channel.writeInbound(bytes(SE, 'y'));

    assertThat(receivedBytes(channel)).isEqualTo("xy");
    assertThat(written(channel)).isEmpty();
  }

  @Test
  void passesStraySubnegotiationOnAsDataAtLineEnd() {
    // 0xFF 0xFA inside a Latin-1 comment, not a real subnegotiation: the LF shows it was data.
    channel.writeInbound(text("DX de K1XX: comment \u00ff\u00fa tail\r\nnext line\r\n"));

    assertThat(receivedBytes(channel))
        .isEqualTo("DX de K1XX: comment \u00ff\u00fa tail\r\nnext line\r\n");
  }

  @Test
  void passesStraySubnegotiationSplitAcrossReadsOnAsData() {
    channel.writeInbound(text("a \u00ff"));
    channel.writeInbound(text("\u00fab"));
    channel.writeInbound(text("c\r\n"));

    assertThat(receivedBytes(channel)).isEqualTo("a \u00ff\u00fabc\r\n");
  }

  @Test
  void passesSubnegotiationWithoutEndOnAsData() {
    String noise = "z".repeat(TelnetFilterDecoder.MAX_SUBNEGOTIATION_BYTES);
    channel.writeInbound(bytes(IAC, SB, TERMINAL_TYPE));
    channel.writeInbound(text(noise + "data"));

    assertThat(receivedBytes(channel)).isEqualTo("\u00ff\u00fa\u0018" + noise + "data");
  }

  @Test
  void passesIacBeforeAByteThatIsNoCommandOnAsData() {
    // Latin-1 "ÿ" before ordinary text, before the line end and at the end of a read.
    channel.writeInbound(text("m\u00fcde \u00ffx \u00ff\r\n\u00ff"));
    channel.writeInbound(text("z\r\n"));

    assertThat(receivedBytes(channel)).isEqualTo("m\u00fcde \u00ffx \u00ff\r\n\u00ffz\r\n");
    assertThat(written(channel)).isEmpty();
  }

  @Test
  void passesFdAndFeOutsideCommandsOnAsData() {
    channel.writeInbound(text("\u00fd\u00fe \u00fd\u00fd\u00fe\u00fe\r\n"));

    assertThat(receivedBytes(channel)).isEqualTo("\u00fd\u00fe \u00fd\u00fd\u00fe\u00fe\r\n");
  }

  @Test
  void passesNegotiationOfAnOptionThatDoesNotExistOnAsData() {
    // "ÿþý" in a Latin-1 comment reads IAC DONT 0xFD; no telnet option is 0xFD.
    channel.writeInbound(text("x \u00ff\u00fe\u00fd y\r\n"));
    channel.writeInbound(bytes(IAC, DO, 'a', IAC, WILL, 0x80));

    assertThat(receivedBytes(channel))
        .isEqualTo("x \u00ff\u00fe\u00fd y\r\n\u00ff\u00fda\u00ff\u00fb\u0080");
    assertThat(written(channel)).isEmpty();
    assertThat(counters.negotiationsRefused()).isZero();
  }

  @Test
  void passesSeOutsideASubnegotiationOnAsData() {
    channel.writeInbound(bytes('a', IAC, SE, 'b'));

    assertThat(receivedBytes(channel)).isEqualTo("a\u00ff\u00f0b");
  }

  @Test
  void stillRefusesRealOptionsBetweenDataBytesAboveF0() {
    channel.writeInbound(bytes(0xFD, IAC, DO, TERMINAL_TYPE, 0xFE, IAC, IAC, 0xFD));

    assertThat(receivedBytes(channel)).isEqualTo("\u00fd\u00fe\u00ff\u00fd");
    assertThat(written(channel)).isEqualTo(chars(IAC, WONT, TERMINAL_TYPE));
  }

  @Test
  void ignoresOtherCommandsLikeGoAhead() {
    channel.writeInbound(bytes('a', IAC, 0xF9, 'b'));

    assertThat(receivedBytes(channel)).isEqualTo("ab");
    assertThat(written(channel)).isEmpty();
  }

  private static String chars(int... values) {
    StringBuilder b = new StringBuilder();
    for (int value : values) {
      b.append((char) value);
    }
    return b.toString();
  }
}
