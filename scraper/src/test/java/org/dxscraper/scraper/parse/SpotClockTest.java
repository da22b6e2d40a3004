package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SpotClockTest {

  private static int minute(String hhmm) {
    return SpotClock.minuteOfDay(hhmm.toCharArray(), 0, hhmm.length());
  }

  private static Instant resolve(String receivedAt, String hhmm) {
    return SpotClock.onReceptionDay(Instant.parse(receivedAt), minute(hhmm));
  }

  @Test
  void placesEarlierTimeOnReceptionDay() {
    assertThat(resolve("2026-11-24T01:14:30Z", "0113"))
        .isEqualTo(Instant.parse("2026-11-24T01:13:00Z"));
  }

  @Test
  void placesTimeOfReceptionMinuteOnReceptionDay() {
    assertThat(resolve("2026-11-24T01:13:59Z", "0113"))
        .isEqualTo(Instant.parse("2026-11-24T01:13:00Z"));
  }

  @Test
  void toleratesNodeClockRunningTenMinutesAhead() {
    assertThat(resolve("2026-11-24T12:00:00Z", "1210"))
        .isEqualTo(Instant.parse("2026-11-24T12:10:00Z"));
  }

  @Test
  void movesTimeMoreThanTenMinutesAheadToPreviousDay() {
    assertThat(resolve("2026-11-24T12:00:00Z", "1211"))
        .isEqualTo(Instant.parse("2026-11-23T12:11:00Z"));
  }

  @Test
  void movesMidnightToNextDayWhenANodeAheadSendsItJustBefore() {
    // A node whose clock runs 20 s ahead writes 0000Z while ours still says 23:59:40.
    assertThat(resolve("2026-11-24T23:59:40Z", "0000"))
        .isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
    assertThat(resolve("2026-12-31T23:55:00Z", "0003"))
        .isEqualTo(Instant.parse("2027-01-01T00:03:00Z"));
  }

  @Test
  void keepsEarlyMorningOnReceptionDayOutsideTheTolerance() {
    assertThat(resolve("2026-11-24T23:40:00Z", "0000"))
        .isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
  }

  @Test
  void movesLastMinuteBeforeMidnightToPreviousDayWhenReceivedJustAfter() {
    assertThat(resolve("2026-11-24T00:01:00Z", "2359"))
        .isEqualTo(Instant.parse("2026-11-23T23:59:00Z"));
  }

  @Test
  void movesAcrossMonthEndToLastDayOfFebruary() {
    assertThat(resolve("2026-03-01T00:02:00Z", "2359"))
        .isEqualTo(Instant.parse("2026-02-28T23:59:00Z"));
  }

  @Test
  void movesAcrossMonthEndToLeapDay() {
    assertThat(resolve("2028-03-01T00:02:00Z", "2359"))
        .isEqualTo(Instant.parse("2028-02-29T23:59:00Z"));
  }

  @Test
  void movesAcrossYearEnd() {
    assertThat(resolve("2027-01-01T00:00:30Z", "2358"))
        .isEqualTo(Instant.parse("2026-12-31T23:58:00Z"));
  }

  @Test
  void keepsMidnightOnNewDayWhenReceivedJustAfter() {
    assertThat(resolve("2027-01-01T00:00:30Z", "0000"))
        .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
  }

  @Test
  void rejectsHoursAndMinutesOutOfRange() {
    assertThat(minute("2460")).isEqualTo(SpotClock.NO_TIME);
    assertThat(minute("2400")).isEqualTo(SpotClock.NO_TIME);
    assertThat(minute("1260")).isEqualTo(SpotClock.NO_TIME);
    assertThat(minute("9999")).isEqualTo(SpotClock.NO_TIME);
  }

  @Test
  void rejectsNonDigitsAndShortInput() {
    assertThat(minute("12a4")).isEqualTo(SpotClock.NO_TIME);
    assertThat(minute("123")).isEqualTo(SpotClock.NO_TIME);
    assertThat(minute("")).isEqualTo(SpotClock.NO_TIME);
  }

  @Test
  void readsFirstAndLastMinuteOfDay() {
    assertThat(minute("0000")).isZero();
    assertThat(minute("2359")).isEqualTo(23 * 60 + 59);
  }

  @Test
  void truncatesReceptionTimeToMinute() {
    assertThat(SpotClock.receptionMinute(Instant.parse("2026-11-24T01:14:59.999Z")))
        .isEqualTo(Instant.parse("2026-11-24T01:14:00Z"));
  }

  @Test
  void truncatesReceptionTimeBeforeEpochDownwards() {
    assertThat(SpotClock.receptionMinute(Instant.parse("1969-12-31T23:59:30Z")))
        .isEqualTo(Instant.parse("1969-12-31T23:59:00Z"));
  }

  @Test
  void recognisesZuluTokensWhetherValidOrNot() {
    assertThat(SpotClock.isZuluToken("0113Z".toCharArray(), 0, 5)).isTrue();
    assertThat(SpotClock.isZuluToken("2460Z".toCharArray(), 0, 5)).isTrue();
    assertThat(SpotClock.isZuluToken("0113z".toCharArray(), 0, 5)).isTrue();
    assertThat(SpotClock.isZuluToken("113Z".toCharArray(), 0, 4)).isFalse();
    assertThat(SpotClock.isZuluToken("01130".toCharArray(), 0, 5)).isFalse();
    assertThat(SpotClock.isZuluToken("0a13Z".toCharArray(), 0, 5)).isFalse();
  }

  @Test
  void readsClusterDatesWithOneOrTwoDigitDays() {
    assertThat(epochDay("24-Nov-2026")).isEqualTo(day("2026-11-24"));
    assertThat(epochDay("1-Mar-2026")).isEqualTo(day("2026-03-01"));
    assertThat(epochDay("01-mar-2026")).isEqualTo(day("2026-03-01"));
    assertThat(epochDay("29-Feb-2028")).isEqualTo(day("2028-02-29"));
  }

  @Test
  void rejectsDatesThatNameNoRealDay() {
    assertThat(epochDay("29-Feb-2026")).isEqualTo(Long.MIN_VALUE);
    assertThat(epochDay("31-Apr-2026")).isEqualTo(Long.MIN_VALUE);
    assertThat(epochDay("0-Jan-2026")).isEqualTo(Long.MIN_VALUE);
    assertThat(epochDay("24-Xyz-2026")).isEqualTo(Long.MIN_VALUE);
    assertThat(epochDay("24-Nov-26")).isEqualTo(Long.MIN_VALUE);
    assertThat(epochDay("124-Nov-2026")).isEqualTo(Long.MIN_VALUE);
    assertThat(epochDay("24-Nov")).isEqualTo(Long.MIN_VALUE);
    assertThat(epochDay("")).isEqualTo(Long.MIN_VALUE);
  }

  private static long epochDay(String date) {
    return SpotClock.epochDay(date.toCharArray(), 0, date.length());
  }

  private static long day(String isoDate) {
    return java.time.LocalDate.parse(isoDate).toEpochDay();
  }
}
