package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.scraper.parse.LineParserSpotTest.spot;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What the node sent is what the parser reports, or the line is counted as bad: NUL bytes, text
 * beyond Latin-1, skimmer fields only from skimmers, and which unreadable lines look like
 * broadcasts.
 */
class LineParserDataAsSentTest {

  private static final LineParser PARSER = new LineParser();

  private static final Instant RECEIVED = Instant.parse("2026-11-24T01:14:30Z");

  private static ClusterMessage parse(String line) {
    return PARSER.parse(line, RECEIVED);
  }

  @Test
  void countsALineWithNulAsBadInsteadOfShiftingTheFields() {
    // Read as a blank, this NUL made call "NU" with comment "1ABC test".
    assertThat(parse("DX de K1ABC:     14025.0  NU\u00001ABC      test              0113Z"))
        .isEqualTo(new Unparsed(Unparsed.NUL));
    assertThat(parse("DX de K1ABC:     14025.0  K2XYZ        te\u0000st              0113Z"))
        .isEqualTo(new Unparsed(Unparsed.NUL));
    assertThat(parse("\u0000DX de K1ABC:  14025.0  K2XYZ  0113Z"))
        .isEqualTo(new Unparsed(Unparsed.NUL));
    assertThat(parse("WWV de VE7CC <21>:   SFI=70, A=12, K=3\u0000"))
        .isEqualTo(new Unparsed(Unparsed.NUL));
    assertThat(parse("\u0000")).isEqualTo(new Unparsed(Unparsed.NUL));
  }

  @Test
  void keepsUnicodeTextInCommentWithoutShiftingFields() {
    // What LineFrameDecoder makes of a valid UTF-8 line: chars beyond Latin-1 included.
    Spot spot =
        spot(
            "DX de DL1ABC:    14074.0  W1AW         Gr\u00fc\u00dfe caf\u00e9 \u20ac \ud83d\ude00"
                + "        0113Z JO62");

    assertThat(spot.comment()).isEqualTo("Gr\u00fc\u00dfe caf\u00e9 \u20ac \ud83d\ude00");
    assertThat(spot.dxCall()).isEqualTo("W1AW");
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T01:13:00Z"));
    assertThat(spot.spotterGrid()).isEqualTo("JO62");
  }

  @Test
  void takesNoSignalReportFromAPersonsComment() {
    // DXSpider's own capture: N1SPOT typed "dx 28074 PY2XX FT8 -12dB this comment is ...".
    Spot ft8 = spot("DX de N1SPOT:    28074.0  PY2XX        FT8 -12dB this comment is long 0113Z");
    Spot cw = spot("DX de N1SPOT:     7012.5  JA1XYZ       CW -12dB                       0113Z");
    Spot spaced =
        spot("DX de DL1ABC:    14074.0  W1AW         FT8 -12 dB                     0113Z");
    Spot full = spot("DX de DL1ABC:    14025.0  W1AW         CW 24 dB 22 WPM CQ             0113Z");

    for (Spot spot : new Spot[] {ft8, cw, spaced, full}) {
      assertThat(spot.skimmer()).isFalse();
      assertThat(spot.snrDb()).as(spot.comment()).isNull();
      assertThat(spot.mode()).as(spot.comment()).isNull();
      assertThat(spot.speed()).isNull();
      assertThat(spot.spotType()).isNull();
    }
    assertThat(cw.comment()).isEqualTo("CW -12dB");
  }

  @Test
  void takesTheSignalReportFromASkimmersComment() {
    Spot spot = spot("DX de KM3T-2-#:  14100.0  CS3B         CW    24 dB  22 WPM  CQ      2259Z");

    assertThat(spot.snrDb()).isEqualTo(24);
    assertThat(spot.mode()).isEqualTo("CW");
    assertThat(spot.speed()).isEqualTo(22);
  }

  @Test
  void takesSkimmerFieldsFromHistoryAndCc11LinesOnlyForSkimmers() {
    Spot skimmer =
        spot("  14025.0  K1ABC       24-Nov-2026 0113Z CW 23 dB 22 WPM CQ             <KM3T-#>");
    Spot person =
        spot("  14025.0  K1ABC       24-Nov-2026 0113Z CW 23 dB 22 WPM CQ             <N1SPOT>");
    Spot cc11 = spot("CC11^7074^AE1XY^ 4-May-2026^1352Z^FT8  -14 dB 1562 Hz^N2XY^1^^RBN^8^5");

    assertThat(skimmer.snrDb()).isEqualTo(23);
    assertThat(person.snrDb()).isNull();
    assertThat(person.mode()).isNull();
    assertThat(cc11.snrDb()).isNull();
  }

  @Test
  void tellsLinesThatStartLikeBroadcastsFromTheNodesOwnText() {
    String[] broadcasts = {
      "DX de K1ABC: garbage",
      "DX de",
      "WWV de VE7CC <xx>",
      "WCY de DK0WCY-1 broken",
      "WX de VA3XYZ",
      "To ALL de EA8XYZ-9",
      "To Local de N5XYZ <1405Z> :",
      "CC11^broken",
      "  14025.0  K1ABC  garbled history",
      "7074 FT8"
    };
    for (String line : broadcasts) {
      assertThat(LineParser.startsLikeBroadcast(line)).as(line).isTrue();
    }
    String[] nodeText = {
      "login: Hello N0CALL, this is N0NODE-2 in Loopback, Localhost",
      "running DXSpider V1.57 build 441",
      "DXSpider v1.57 (build 441 git: mojo/e61ab5ee[r]) using perl v5.36.0 on Linux",
      "Capabilities: ve7cc rbn",
      "Nodes: 0/1 Users [Loc/Clr]: 1/1 Max: 1/1 - Uptime:  1m 19s",
      "Please enter your name, set/name <your name>",
      "Page Length is now 0 lines",
      "To turn ON Skimmer Spots and ONLY Pass Spots from North America Enter:",
      "To ALL users: the node restarts at 0300Z",
      "24-Nov-2026   01   150  10   2 No Storms -> Minor                    <N1SPOT>",
      "24Nov2026@01:07:07 N1SPOT -> LOCAL hello everyone",
      "WWVH is loud",
      "DXde",
      "",
      "   ",
      "1234"
    };
    for (String line : nodeText) {
      assertThat(LineParser.startsLikeBroadcast(line)).as(line).isFalse();
    }
  }
}
