package org.dxscraper.scraper.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.dxscraper.scraper.parse.ClusterMessage;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.Unparsed;
import org.junit.jupiter.api.Test;

class IngestPipelineTest {

  private static final LineParser PARSER = new LineParser();
  private static final Instant RECEIVED = Instant.parse("2026-11-24T01:14:30Z");

  /** The reason {@code line} parses as, or null when it parses as a message. */
  private static String reason(String line) {
    ClusterMessage message = PARSER.parse(line, RECEIVED);
    return message instanceof Unparsed unparsed ? unparsed.reason() : null;
  }

  private static boolean nodeText(String line) {
    String reason = reason(line);
    assertThat(reason).as(line).isNotNull();
    return IngestPipeline.isNodeText(reason, line);
  }

  @Test
  void countsDxSpidersLoginBannerAsNodeText() {
    // A real DXSpider V1.57 after login (shared/fixtures/dxspider/transcript-login.raw).
    String[] banner = {
      "login: Hello N0CALL, this is N0NODE-2 in Loopback, Localhost",
      "running DXSpider V1.57 build 441",
      "Capabilities: ve7cc rbn",
      "Nodes: 0/1 Users [Loc/Clr]: 1/1 Max: 1/1 - Uptime:  1m 19s",
      "Please enter your name, set/name <your name>",
      "Please enter your QTH, set/qth <your qth>",
      "Please enter your location with set/location or set/qra",
      "Please enter your Home Node, set/homenode <your home DX Cluster>",
      "Page Length is now 0 lines",
      "Press Enter to continue, A to abort (10 lines) >",
      "",
      " \u0007\u0007"
    };
    for (String line : banner) {
      assertThat(nodeText(line)).as(line).isTrue();
    }
  }

  @Test
  void keepsBroadcastsThatCouldNotBeReadAsParseFailures() {
    assertThat(nodeText("DX de K1ABC:")).isFalse();
    assertThat(nodeText("WWV de VE7CC <24>: SFI=70")).isFalse();
    assertThat(nodeText("To SYSOP de N1ABC: disk full")).isFalse();
    assertThat(nodeText("  14025.0  K1ABC  garbled history")).isFalse();
    assertThat(nodeText("CC11^14027.0^K9XYZ")).isFalse();
  }

  @Test
  void keepsLinesWithNulAsParseFailuresWhateverTheyStartWith() {
    assertThat(reason("Hello\u0000 N0CALL")).isEqualTo(Unparsed.NUL);
    assertThat(nodeText("Hello\u0000 N0CALL")).isFalse();
    assertThat(nodeText("\u0000")).isFalse();
  }

  @Test
  void leavesOnlyBlankLinesOutOfTheFailureReasons() {
    assertThat(NodeIngestStats.FAILURE_REASONS)
        .contains(Unparsed.UNKNOWN_LINE, Unparsed.NUL, Unparsed.TRUNCATED)
        .doesNotContain(Unparsed.EMPTY)
        .hasSize(Unparsed.REASONS.size() - 1);
  }
}
