package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LineParserSolarTest {

  private static final LineParser PARSER = new LineParser();

  private static SolarReport report(String line, String receivedAt) {
    ClusterMessage message = PARSER.parse(line, Instant.parse(receivedAt));
    assertThat(message).as(line).isInstanceOf(SolarReport.class);
    return (SolarReport) message;
  }

  private static ClusterMessage parse(String line) {
    return PARSER.parse(line, Instant.parse("2026-11-24T12:00:00Z"));
  }

  @Test
  void readsDxSpiderWwv() {
    SolarReport report =
        report(
            "WWV de VE7XY <21>:   SFI=72, A=11, K=3, No Storms -> No Storms",
            "2026-11-24T21:05:00Z");

    assertThat(report.bulletin()).isEqualTo(SolarReport.Kind.WWV);
    assertThat(report.kind()).isEqualTo("solar");
    assertThat(report.station()).isEqualTo("VE7XY");
    assertThat(report.hour()).isEqualTo(21);
    assertThat(report.reportedAt()).isEqualTo(Instant.parse("2026-11-24T21:00:00Z"));
    assertThat(report.sfi()).isEqualTo(72);
    assertThat(report.aIndex()).isEqualTo(11);
    assertThat(report.kIndex()).isEqualTo(3);
    assertThat(report.expectedK()).isNull();
    assertThat(report.forecast()).isEqualTo("No Storms -> No Storms");
    assertThat(report.rawText()).isEqualTo("SFI=72, A=11, K=3, No Storms -> No Storms");
  }

  @Test
  void readsArClusterHourWithZuluSuffixAndBlankBeforeColon() {
    SolarReport report =
        report(
            "WWV de VE7XY <15Z> :   SFI=68, A=9, K=2, No Storms -> Minor w/G1",
            "2026-11-24T15:20:00Z");

    assertThat(report.hour()).isEqualTo(15);
    assertThat(report.sfi()).isEqualTo(68);
    assertThat(report.forecast()).isEqualTo("No Storms -> Minor w/G1");
  }

  @Test
  void readsSingleDigitHour() {
    SolarReport report =
        report(
            "WWV de W1XYZ <1>:   SFI=155, A=8, K=3, No Storms -> No Storms\u0007\u0007",
            "2026-11-24T01:14:30Z");

    assertThat(report.reportedAt()).isEqualTo(Instant.parse("2026-11-24T01:00:00Z"));
    assertThat(report.forecast()).isEqualTo("No Storms -> No Storms");
  }

  @Test
  void datesHourLaterThanReceptionToPreviousDay() {
    SolarReport report =
        report("WWV de VE7XY <23>:   SFI=70, A=5, K=1, No Storms", "2026-11-24T00:30:00Z");

    assertThat(report.reportedAt()).isEqualTo(Instant.parse("2026-11-23T23:00:00Z"));
  }

  @Test
  void readsWcy() {
    SolarReport report =
        report(
            "WCY de DK0XYZ-1 <22> : K=9 expK=0 A=139 R=156 SFI=223 SA=maj GMF=sev Au=aurora",
            "2026-11-24T22:03:00Z");

    assertThat(report.bulletin()).isEqualTo(SolarReport.Kind.WCY);
    assertThat(report.station()).isEqualTo("DK0XYZ-1");
    assertThat(report.kIndex()).isEqualTo(9);
    assertThat(report.expectedK()).isZero();
    assertThat(report.aIndex()).isEqualTo(139);
    assertThat(report.r()).isEqualTo(156);
    assertThat(report.sfi()).isEqualTo(223);
    assertThat(report.sa()).isEqualTo("maj");
    assertThat(report.gmf()).isEqualTo("sev");
    assertThat(report.aurora()).isEqualTo("aurora");
    assertThat(report.forecast()).isNull();
  }

  @Test
  void dropsValuesOutOfRangeForSmallintColumns() {
    SolarReport report =
        report("WWV de VE7XY <12>: SFI=1500, A=12, K=12, SSN=85, Quiet", "2026-11-24T12:05:00Z");

    assertThat(report.sfi()).isNull();
    assertThat(report.aIndex()).isEqualTo(12);
    assertThat(report.kIndex()).isNull();
    assertThat(report.ssn()).isEqualTo(85);
    assertThat(report.rawText()).contains("SFI=1500");
  }

  @Test
  void dropsValuesThatAreNotNumbersAndSkipsUnknownKeys() {
    SolarReport report =
        report("WCY de DK0XYZ-1 <12> : K=x expK= A=-3 XRAY=B1 SFI=70", "2026-11-24T12:05:00Z");

    assertThat(report.kIndex()).isNull();
    assertThat(report.expectedK()).isNull();
    assertThat(report.aIndex()).isNull();
    assertThat(report.sfi()).isEqualTo(70);
  }

  @Test
  void reportsTruncatedReports() {
    assertThat(parse("WWV de VE7XY")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
    assertThat(parse("WCY de DK0XYZ-1")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
    assertThat(parse("WWV de VE7XY <21>:")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
    assertThat(parse("WWV de")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
  }

  @Test
  void reportsMissingOrImpossibleHour() {
    assertThat(parse("WWV de VE7XY <24>: SFI=70")).isEqualTo(new Unparsed(Unparsed.BAD_HOUR));
    assertThat(parse("WWV de VE7XY <>: SFI=70")).isEqualTo(new Unparsed(Unparsed.BAD_HOUR));
    assertThat(parse("WWV de VE7XY <21: SFI=70")).isEqualTo(new Unparsed(Unparsed.BAD_HOUR));
    assertThat(parse("WWV de VE7XY: SFI=70")).isEqualTo(new Unparsed(Unparsed.BAD_HOUR));
  }
}
