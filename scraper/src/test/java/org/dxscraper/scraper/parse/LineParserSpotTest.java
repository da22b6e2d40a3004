package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code DX de} lines, in the shapes DXSpider, AR-Cluster, CC Cluster and RBN send them. */
class LineParserSpotTest {

  private static final LineParser PARSER = new LineParser();

  private static final Instant RECEIVED = Instant.parse("2026-11-24T01:14:30Z");

  static Spot spot(String line) {
    return spot(line, RECEIVED);
  }

  static Spot spot(String line, Instant receivedAt) {
    ClusterMessage message = PARSER.parse(line, receivedAt);
    assertThat(message).as(line).isInstanceOf(Spot.class);
    return (Spot) message;
  }

  private static String reason(String line) {
    ClusterMessage message = PARSER.parse(line, RECEIVED);
    assertThat(message).as(line).isInstanceOf(Unparsed.class);
    return ((Unparsed) message).reason();
  }

  @Test
  void readsDxSpiderSpotInAllFields() {
    Spot spot = spot("DX de N2XYZ:     14031.0  K3ABC        up 2                           0113Z");

    assertThat(spot.format()).isEqualTo(SpotFormat.DX_DE);
    assertThat(spot.spotter()).isEqualTo("N2XYZ");
    assertThat(spot.frequencyHz()).isEqualTo(14_031_000L);
    assertThat(spot.dxCall()).isEqualTo("K3ABC");
    assertThat(spot.comment()).isEqualTo("up 2");
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T01:13:00Z"));
    assertThat(spot.timeFromLine()).isTrue();
    assertThat(spot.skimmer()).isFalse();
    assertThat(spot.dxCallSuspect()).isFalse();
    assertThat(spot.mode()).isNull();
    assertThat(spot.snrDb()).isNull();
    assertThat(spot.spotterGrid()).isNull();
    assertThat(spot.kind()).isEqualTo("spot");
  }

  @Test
  void keepsEmptyCommentAsEmptyString() {
    Spot spot = spot("DX de N2XYZ:     50313.0  ZL3AB                                       0114Z");

    assertThat(spot.comment()).isEmpty();
    assertThat(spot.dxCall()).isEqualTo("ZL3AB");
  }

  @Test
  void keepsInnerSpacingOfComment() {
    assertThat(
            spot("DX de N7ABC:      7167.0  YC9XYZ       CQ  CQ DX  PAPUA NEW GUINEA    1400Z")
                .comment())
        .isEqualTo("CQ  CQ DX  PAPUA NEW GUINEA");
  }

  @Test
  void stripsTrailingBelAndCarriageReturn() {
    Spot spot =
        spot(
            "DX de N2XYZ:     14031.0  K3ABC        test                          "
                + " 0113Z\u0007\u0007\r");

    assertThat(spot.timeFromLine()).isTrue();
    assertThat(spot.comment()).isEqualTo("test");
  }

  @Test
  void readsFrequencyWithTwoDecimalsExactly() {
    assertThat(
            spot("DX de OK1XYZ-#:  7021.35  UA3ABC         CW    12 dB  25 WPM  CQ      2259Z")
                .frequencyHz())
        .isEqualTo(7_021_350L);
  }

  @Test
  void readsFrequenciesOfHundredMegahertzAndMore() {
    assertThat(
            spot("DX de G4ABC:   144310.0  OH1XYZ       tropo KP20>JO02                0113Z")
                .frequencyHz())
        .isEqualTo(144_310_000L);
    assertThat(
            spot("DX de G4ABC:  1296150.0  F5XYZ        EME                            0113Z")
                .frequencyHz())
        .isEqualTo(1_296_150_000L);
    Spot satellite =
        spot("DX de G4ABC: 10489600.0  QO100        satellite                      0113Z");
    assertThat(satellite.frequencyHz()).isEqualTo(10_489_600_000L);
    assertThat(satellite.dxCall()).isEqualTo("QO100");
  }

  @Test
  void readsFrequencyWithoutDecimals() {
    assertThat(spot("DX de G4ABC: 14074  K1XYZ  FT8  0113Z").frequencyHz()).isEqualTo(14_074_000L);
  }

  @Test
  void readsLongSkimmerSpotterThatPushesFrequencyRight() {
    Spot spot =
        spot("DX de VE3ABC-12-#: 14033.2  K5XYZ        CW 24 dB 20 WPM CQ             0015Z");

    assertThat(spot.spotter()).isEqualTo("VE3ABC-12-#");
    assertThat(spot.frequencyHz()).isEqualTo(14_033_200L);
    assertThat(spot.dxCall()).isEqualTo("K5XYZ");
    assertThat(spot.skimmer()).isTrue();
  }

  @Test
  void readsFrequencyGluedToSpotterColon() {
    Spot spot =
        spot("DX de PY2/DL1ABC-#:21150.0  LU4AA/B      CW  9 dB 10 WPM BEACON         1118Z");

    assertThat(spot.spotter()).isEqualTo("PY2/DL1ABC-#");
    assertThat(spot.frequencyHz()).isEqualTo(21_150_000L);
    assertThat(spot.dxCall()).isEqualTo("LU4AA/B");
    assertThat(spot.spotType()).isEqualTo(SpotType.BEACON);
  }

  @Test
  void readsSpotterWithoutColon() {
    Spot spot = spot("DX de SP5XYZ     7044.5  SP5XYZ       ses cw                         1604Z");

    assertThat(spot.spotter()).isEqualTo("SP5XYZ");
    assertThat(spot.frequencyHz()).isEqualTo(7_044_500L);
    assertThat(spot.comment()).isEqualTo("ses cw");
  }

  @Test
  void readsSpotterWithBlankBeforeColon() {
    Spot spot = spot("DX de N4ABC :    21300.0  N4ABC        W4C/EM-012                     1841Z");

    assertThat(spot.spotter()).isEqualTo("N4ABC");
    assertThat(spot.frequencyHz()).isEqualTo(21_300_000L);
    assertThat(spot.comment()).isEqualTo("W4C/EM-012");
  }

  @Test
  void upperCasesSpotterAndCallButNotComment() {
    Spot spot = spot("DX de dl1abc-2:  14010.0  ok1xyz       Tnx QSO                        0101Z");

    assertThat(spot.spotter()).isEqualTo("DL1ABC-2");
    assertThat(spot.dxCall()).isEqualTo("OK1XYZ");
    assertThat(spot.comment()).isEqualTo("Tnx QSO");
  }

  @Test
  void keepsSpotWithoutTimeUsingReceptionMinute() {
    Spot spot = spot("DX de AB1:       28400.0  TF3XX");

    assertThat(spot.spotter()).isEqualTo("AB1");
    assertThat(spot.dxCall()).isEqualTo("TF3XX");
    assertThat(spot.comment()).isEmpty();
    assertThat(spot.timeFromLine()).isFalse();
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T01:14:00Z"));
  }

  @Test
  void keepsCommentOfSpotCutBeforeItsTime() {
    Spot spot = spot("DX de K1ABC:     14025.0  K2XYZ        599 in the");

    assertThat(spot.comment()).isEqualTo("599 in the");
    assertThat(spot.timeFromLine()).isFalse();
  }

  @Test
  void treatsInvalidTimeAsNoTime() {
    Spot spot = spot("DX de K1ABC:     14025.0  K2XYZ        test                           2460Z");

    assertThat(spot.timeFromLine()).isFalse();
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T01:14:00Z"));
    assertThat(spot.comment()).isEqualTo("test");
  }

  @Test
  void datesSpotBeforeMidnightToPreviousDay() {
    Spot spot =
        spot(
            "DX de K1ABC:     14025.0  K2XYZ        test                           2359Z",
            Instant.parse("2026-11-25T00:01:10Z"));

    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T23:59:00Z"));
  }

  @Test
  void keepsWordsInCallColumnAndFlagsThem() {
    Spot tu = spot("DX de K7ABC:    144300.0  TU           Bob -10                        1220Z");
    assertThat(tu.dxCall()).isEqualTo("TU");
    assertThat(tu.dxCallSuspect()).isTrue();
    assertThat(tu.comment()).isEqualTo("Bob -10");

    Spot cq = spot("DX de PS7XY:     21250.0  CQ           JOTA  USB                      1642Z");
    assertThat(cq.dxCall()).isEqualTo("CQ");
    assertThat(cq.dxCallSuspect()).isTrue();

    Spot i = spot("DX de OK2XY:      3790.0  I            am listening with sdr          1522Z");
    assertThat(i.dxCall()).isEqualTo("I");
    assertThat(i.dxCallSuspect()).isTrue();
    assertThat(i.comment()).isEqualTo("am listening with sdr");
  }

  @Test
  void doesNotFlagPortableAndSpecialCalls() {
    assertThat(
            spot("DX de N2XYZ:    14195.0  3D2/VK2ABC/P long spotted call              0113Z")
                .dxCallSuspect())
        .isFalse();
    assertThat(
            spot("DX de W2ABC-#:  14052.0  K3Y/5        CW 25 dB 15 WPM CQ             1333Z")
                .dxCallSuspect())
        .isFalse();
  }

  @Test
  void keepsColonsDigitsAndZuluLikeWordsInComment() {
    Spot spot = spot("DX de F5ABC:      7093.0  F6XYZ/P      sked 0315 : Paul 5Z            1001Z");

    assertThat(spot.comment()).isEqualTo("sked 0315 : Paul 5Z");
    // 1001Z lies far after the 01:14 reception, so it was yesterday's.
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-23T10:01:00Z"));
  }

  @Test
  void readsSpotterGridAfterTime() {
    Spot spot =
        spot("DX de OH2XYZ:     3790.0  ES5ABC       LSB                            0100Z KP20");

    assertThat(spot.spotterGrid()).isEqualTo("KP20");
    assertThat(spot.comment()).isEqualTo("LSB");
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T01:00:00Z"));
  }

  @Test
  void readsSixCharSpotterGridAndBelsAfterIt() {
    Spot spot =
        spot(
            "DX de N3XYZ:     10147.0  AN400X       RTTY                           0100Z"
                + " FM18lv\u0007\u0007\r");

    assertThat(spot.spotterGrid()).isEqualTo("FM18LV");
    assertThat(spot.timeFromLine()).isTrue();
  }

  @Test
  void readsZonesAroundTimeWhenDxSpiderShowsThem() {
    Spot spot =
        spot("DX de DK1ABC-#:    7019.4 UA1XYZ       CW  21dB Q:9* Z:20           16 0059Z 14");

    assertThat(spot.dxZone()).isEqualTo(16);
    assertThat(spot.spotterZone()).isEqualTo(14);
    assertThat(spot.comment()).isEqualTo("CW  21dB Q:9* Z:20");
    assertThat(spot.mode()).isEqualTo("CW");
    assertThat(spot.snrDb()).isEqualTo(21);
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T00:59:00Z"));
  }

  @Test
  void readsSingleDigitZonesPaddedWithBlanks() {
    Spot spot =
        spot("DX de VE7XYZ-#:    3573.0 W8ABC        FT8 -13dB Q:4 Z:4,5          4 0047Z  3");

    assertThat(spot.dxZone()).isEqualTo(4);
    assertThat(spot.spotterZone()).isEqualTo(3);
    assertThat(spot.snrDb()).isEqualTo(-13);
    assertThat(spot.comment()).isEqualTo("FT8 -13dB Q:4 Z:4,5");
  }

  @Test
  void keepsNumberEndingCommentWhenNoZoneFollowsTime() {
    Spot spot =
        spot("DX de K1ABC:     14025.0  K2XYZ        tnx 73                          0113Z");

    assertThat(spot.dxZone()).isNull();
    assertThat(spot.comment()).isEqualTo("tnx 73");
  }

  @Test
  void readsRbnSkimmerFields() {
    Spot spot =
        spot("DX de DL8ABC-3-#: 14100.0  4X6XY          CW    21 dB  22 WPM  NCDXF B 0059Z");

    assertThat(spot.skimmer()).isTrue();
    assertThat(spot.mode()).isEqualTo("CW");
    assertThat(spot.snrDb()).isEqualTo(21);
    assertThat(spot.speed()).isEqualTo(22);
    assertThat(spot.speedUnit()).isEqualTo(SpeedUnit.WPM);
    assertThat(spot.spotType()).isEqualTo(SpotType.NCDXF);
    assertThat(spot.comment()).isEqualTo("CW    21 dB  22 WPM  NCDXF B");
  }

  @Test
  void readsCcClusterSkimmerFields() {
    Spot cw = spot("DX de K2XYZ-#:   14012.0  OH1ABC       CW 17 dB 26 WPM CQ             0014Z");
    assertThat(cw.snrDb()).isEqualTo(17);
    assertThat(cw.speed()).isEqualTo(26);
    assertThat(cw.spotType()).isEqualTo(SpotType.CQ);

    Spot rtty = spot("DX de G3ABC-#:   14085.6  RA9XYZ       RTTY - 7 dB CQ                 0014Z");
    assertThat(rtty.mode()).isEqualTo("RTTY");
    assertThat(rtty.snrDb()).isEqualTo(-7);
    assertThat(rtty.speed()).isNull();
    assertThat(rtty.spotType()).isEqualTo(SpotType.CQ);

    Spot ft8 = spot("DX de LU1ABC-#:  14074.0  W0ABC        FT8  -14 dB  1020 Hz           0014Z");
    assertThat(ft8.mode()).isEqualTo("FT8");
    assertThat(ft8.snrDb()).isEqualTo(-14);
    assertThat(ft8.speed()).isNull();
  }

  @Test
  void readsDxGridOfRbnFt8Spot() {
    Spot spot =
        spot("DX de JA1ABC-#:  14074.0  VK2XYZ         FT8   -11 dB  QF56    CQ      0015Z");

    assertThat(spot.dxGrid()).isEqualTo("QF56");
    assertThat(spot.spotterGrid()).isNull();
    assertThat(spot.spotType()).isEqualTo(SpotType.CQ);
  }

  @Test
  void keepsLatin1CharsInCommentWithoutShiftingFields() {
    Spot spot =
        spot(
            "DX de DL3ABC:    14076.0  W2XYZ        <\u00e4\u00f6\u00fc> 8-bit and <> chars      "
                + " 0114Z");

    assertThat(spot.comment()).isEqualTo("<\u00e4\u00f6\u00fc> 8-bit and <> chars");
    assertThat(spot.dxCall()).isEqualTo("W2XYZ");
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-24T01:14:00Z"));
  }

  @Test
  void keepsUtf8BytesDecodedAsLatin1InComment() {
    // "äö €" typed as UTF-8 arrives as C3 A4 C3 B6 20 E2 82 AC; 0x82 and 0xA0 are text, not blanks.
    Spot spot =
        spot(
            "DX de DL3ABC:    14077.0  W3XYZ        utf8 \u00c3\u00a4\u00c3\u00b6"
                + " \u00e2\u0082\u00ac\u00a0ok    0114Z");

    assertThat(spot.comment())
        .isEqualTo("utf8 \u00c3\u00a4\u00c3\u00b6 \u00e2\u0082\u00ac\u00a0ok");
    assertThat(spot.timeFromLine()).isTrue();
  }

  @Test
  void reportsTruncatedSpotWithoutFrequency() {
    assertThat(reason("DX de DL2ZZ")).isEqualTo(Unparsed.TRUNCATED);
    assertThat(reason("DX de DL2ZZ:")).isEqualTo(Unparsed.TRUNCATED);
    assertThat(reason("DX de ")).isEqualTo(Unparsed.TRUNCATED);
    assertThat(reason("DX de")).isEqualTo(Unparsed.TRUNCATED);
  }

  @Test
  void reportsMissingSpotter() {
    assertThat(reason("DX de :   14025.0  K2XYZ   test  0113Z")).isEqualTo(Unparsed.DX_NO_SPOTTER);
  }

  @Test
  void reportsFieldThatIsNoFrequency() {
    assertThat(reason("DX de K1ABC:  K2XYZ   test  0113Z")).isEqualTo(Unparsed.DX_NO_FREQUENCY);
    assertThat(reason("DX de K1ABC:  14025.0x  K2XYZ  0113Z")).isEqualTo(Unparsed.DX_NO_FREQUENCY);
    assertThat(reason("DX de K1ABC:  0.0  K2XYZ  0113Z")).isEqualTo(Unparsed.DX_NO_FREQUENCY);
    assertThat(reason("DX de K1ABC:  99999999999.0  K2XYZ  0113Z"))
        .isEqualTo(Unparsed.DX_NO_FREQUENCY);
    // Ten digits of kHz would not fit the spot table's numeric(12, 3): refused here, not there.
    assertThat(reason("DX de K1ABC:  1234567890.0  K2XYZ  0113Z"))
        .isEqualTo(Unparsed.DX_NO_FREQUENCY);
  }

  @Test
  void reportsSpotWithoutCall() {
    assertThat(reason("DX de K1ABC:     14025.0")).isEqualTo(Unparsed.DX_NO_CALL);
  }

  @Test
  void doesNotTakeTalkFromCallStartingWithDxForSpot() {
    assertThat(PARSER.parse("DX0ABC de N1XYZ: hello", RECEIVED)).isInstanceOf(Talk.class);
  }
}
