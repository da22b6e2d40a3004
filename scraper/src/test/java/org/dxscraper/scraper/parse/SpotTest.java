package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The records refuse values the parser never produces, saying which rule and which value. */
class SpotTest {

  private static final Instant MINUTE = Instant.parse("2026-11-24T01:13:00Z");

  private static Spot spot(String spotter, long hz, Instant at, Integer speed, SpeedUnit unit) {
    return new Spot(
        SpotFormat.DX_DE,
        spotter,
        hz,
        "K1ABC",
        "",
        at,
        true,
        null,
        null,
        null,
        null,
        null,
        null,
        speed,
        unit,
        null,
        false);
  }

  private static Spot spotWithSpotterGrid(String grid) {
    return new Spot(
        SpotFormat.DX_DE,
        "K2XYZ",
        1,
        "K1ABC",
        "",
        MINUTE,
        true,
        grid,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        false);
  }

  private static SolarReport reportForHour(int hour) {
    return new SolarReport(
        SolarReport.Kind.WWV,
        "VE7XY",
        hour,
        MINUTE,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        "");
  }

  @Test
  void marksSkimmerBySpotterSuffix() {
    assertThat(spot("KM3T-2-#", 14_000_000L, MINUTE, null, null).skimmer()).isTrue();
    assertThat(spot("KM3T-2", 14_000_000L, MINUTE, null, null).skimmer()).isFalse();
  }

  @Test
  void refusesFrequencyThatIsNotPositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> spot("K2XYZ", 0, MINUTE, null, null))
        .withMessage("frequencyHz must be positive, got 0");
  }

  @Test
  void refusesTimeBetweenMinutes() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> spot("K2XYZ", 1, MINUTE.plusSeconds(1), null, null))
        .withMessage("spottedAt must be a whole minute, got 2026-11-24T01:13:01Z");
  }

  @Test
  void refusesSpeedWithoutUnit() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> spot("K2XYZ", 1, MINUTE, 20, null))
        .withMessage("speed and speedUnit must be both set or both null, got 20 null");
  }

  @Test
  void refusesSpotterWithBlank() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> spot("K2 XYZ", 1, MINUTE, null, null))
        .withMessage("spotter must not contain blanks, got \"K2 XYZ\"");
  }

  @Test
  void refusesGridThatIsNoLocator() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> spotWithSpotterGrid("ZZ99"))
        .withMessage("spotterGrid must be a 4 or 6 char Maidenhead locator, got \"ZZ99\"");
  }

  @Test
  void refusesSolarHourOutOfDay() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> reportForHour(24))
        .withMessage("hour must be 0..23, got 24");
  }

  @Test
  void refusesReasonThatIsNotMachineFriendly() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Unparsed("Bad Line"))
        .withMessage("reason must hold only a-z, 0-9 and '-', got \"Bad Line\"");
  }
}
