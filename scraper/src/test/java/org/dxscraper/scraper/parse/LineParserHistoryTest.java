package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code show/dx} and {@code sh/mydx} history lines and CC Cluster's CC11 machine format. */
class LineParserHistoryTest {

  private static final LineParser PARSER = new LineParser();

  private static final Instant RECEIVED = Instant.parse("2026-11-24T01:14:30Z");

  private static Spot spot(String line) {
    return LineParserSpotTest.spot(line, RECEIVED);
  }

  private static ClusterMessage parse(String line) {
    return PARSER.parse(line, RECEIVED);
  }

  @Test
  void readsShowDxLineWithFullDate() {
    Spot spot =
        spot("  14031.0  K3XYZ       22-Nov-2026 2113Z test                           <N2ABC>");

    assertThat(spot.format()).isEqualTo(SpotFormat.SHOW_DX);
    assertThat(spot.frequencyHz()).isEqualTo(14_031_000L);
    assertThat(spot.dxCall()).isEqualTo("K3XYZ");
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-22T21:13:00Z"));
    assertThat(spot.timeFromLine()).isTrue();
    assertThat(spot.comment()).isEqualTo("test");
    assertThat(spot.spotter()).isEqualTo("N2ABC");
  }

  @Test
  void readsShowDxLineWithOneBlankBetweenFrequencyAndCall() {
    Spot spot =
        spot("  14002.0 K8ABC       24-Nov-2026 0108Z after homenode set           <N2XYZ>");

    assertThat(spot.dxCall()).isEqualTo("K8ABC");
    assertThat(spot.comment()).isEqualTo("after homenode set");
  }

  @Test
  void readsCommentThatRunsIntoSpotter() {
    Spot spot =
        spot("  18102.0 K1XYZ       24-Nov-2026 0113Z spot sent while listener is a<N3ABC>");

    assertThat(spot.comment()).isEqualTo("spot sent while listener is a");
    assertThat(spot.spotter()).isEqualTo("N3ABC");
  }

  @Test
  void readsSingleDigitDayPaddedWithBlank() {
    Spot spot =
        spot("  1851.4  XE1ABC       1-Mar-2026 0333Z                               <XE1XY>");

    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-03-01T03:33:00Z"));
    assertThat(spot.comment()).isEmpty();
    assertThat(spot.spotter()).isEqualTo("XE1XY");
  }

  @Test
  void readsMyDxLineWithoutLeadingBlank() {
    Spot spot =
        spot("18100.8  TM2ABC       1-Jul-2026 1643Z                               <AJ4XY>");

    assertThat(spot.frequencyHz()).isEqualTo(18_100_800L);
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-07-01T16:43:00Z"));
  }

  @Test
  void keepsAngleBracketsInsideComment() {
    Spot spot =
        spot(" 50062.5  W7ABC/B      1-Jul-2026 1642Z  DN36>EN51 <x>                <VE3KTB/VY0>");

    assertThat(spot.comment()).isEqualTo("DN36>EN51 <x>");
    assertThat(spot.spotter()).isEqualTo("VE3KTB/VY0");
  }

  @Test
  void reportsHistoryLineWithImpossibleDate() {
    assertThat(parse("  14031.0  K3XYZ       31-Feb-2026 0113Z test     <N2ABC>"))
        .isEqualTo(new Unparsed(Unparsed.BAD_DATE));
  }

  @Test
  void reportsHistoryLineWithInvalidTime() {
    assertThat(parse("  14031.0  K3XYZ       24-Nov-2026 2460Z test     <N2ABC>"))
        .isEqualTo(new Unparsed(Unparsed.BAD_TIME));
    assertThat(parse("  14031.0  K3XYZ       24-Nov-2026 test     <N2ABC>"))
        .isEqualTo(new Unparsed(Unparsed.BAD_TIME));
  }

  @Test
  void reportsHistoryLineWithEmptySpotter() {
    assertThat(parse("  14031.0  K3XYZ       24-Nov-2026 0113Z test     < >"))
        .isEqualTo(new Unparsed(Unparsed.DX_NO_SPOTTER));
  }

  @Test
  void leavesWwvHistoryTableUnknown() {
    assertThat(
            parse("24-Nov-2026   01   150  10   2 No Storms -> Minor                    <N1ABC>"))
        .isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
    assertThat(
            parse("19-Nov-2026    0    78   3   0 No Storms -> No Storms                <VE7XY>"))
        .isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
  }

  @Test
  void readsCc11SpotWithFewFields() {
    Spot spot = spot("CC11^14027.0^K9XYZ^24-Nov-2026^0116Z^up 2^N1ABC^");

    assertThat(spot.format()).isEqualTo(SpotFormat.CC11);
    assertThat(spot.frequencyHz()).isEqualTo(14_027_000L);
    assertThat(spot.dxCall()).isEqualTo("K9XYZ");
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T01:16:00Z"));
    assertThat(spot.timeFromLine()).isTrue();
    assertThat(spot.comment()).isEqualTo("up 2");
    assertThat(spot.spotter()).isEqualTo("N1ABC");
  }

  @Test
  void readsCc11SpotThatEndsAtSpotter() {
    Spot spot = spot("CC11^14027.0^K9XYZ^24-Nov-2026^0116Z^^N1ABC");

    assertThat(spot.comment()).isEmpty();
    assertThat(spot.spotter()).isEqualTo("N1ABC");
  }

  @Test
  void readsCc11ZonesAndLocators() {
    Spot spot =
        spot(
            "CC11^7083.0^OT7ABC^26-Aug-2026^0859Z^Special call^ON3XYZ^134^134^F5ABC-7"
                + "^27^14^28^15^^^Belgium-ON^Belgium-ON^JO10^JO20");

    assertThat(spot.dxZone()).isEqualTo(14);
    assertThat(spot.spotterZone()).isEqualTo(15);
    assertThat(spot.dxGrid()).isEqualTo("JO10");
    assertThat(spot.spotterGrid()).isEqualTo("JO20");
    assertThat(spot.comment()).isEqualTo("Special call");
  }

  @Test
  void readsCc11DateWithBlankPaddedDayAndFrequencyWithoutDecimals() {
    Spot spot = spot("CC11^7074^AE1XY^ 4-May-2026^1352Z^FT8  -14 dB 1562 Hz^N2XY-#^1^^RBN^8^5");

    assertThat(spot.frequencyHz()).isEqualTo(7_074_000L);
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-05-04T13:52:00Z"));
    assertThat(spot.skimmer()).isTrue();
    assertThat(spot.mode()).isEqualTo("FT8");
    assertThat(spot.snrDb()).isEqualTo(-14);
    assertThat(spot.dxZone()).isEqualTo(5);
    assertThat(spot.spotterZone()).isNull();
  }

  @Test
  void reportsBrokenCc11Lines() {
    assertThat(parse("CC11^14027.0^K9XYZ")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
    assertThat(parse("CC11^abc^K9XYZ^24-Nov-2026^0116Z^x^N1ABC"))
        .isEqualTo(new Unparsed(Unparsed.DX_NO_FREQUENCY));
    assertThat(parse("CC11^14027.0^^24-Nov-2026^0116Z^x^N1ABC"))
        .isEqualTo(new Unparsed(Unparsed.DX_NO_CALL));
    assertThat(parse("CC11^14027.0^K9XYZ^2026-11-24^0116Z^x^N1ABC"))
        .isEqualTo(new Unparsed(Unparsed.BAD_DATE));
    assertThat(parse("CC11^14027.0^K9XYZ^24-Nov-2026^2500Z^x^N1ABC"))
        .isEqualTo(new Unparsed(Unparsed.BAD_TIME));
    assertThat(parse("CC11^14027.0^K9XYZ^24-Nov-2026^0116Z^x^"))
        .isEqualTo(new Unparsed(Unparsed.DX_NO_SPOTTER));
  }
}
