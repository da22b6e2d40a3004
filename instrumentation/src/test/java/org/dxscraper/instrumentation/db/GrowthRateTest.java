package org.dxscraper.instrumentation.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GrowthRateTest {
  private static final long MINUTE = 60_000_000_000L;
  private static final long HOUR = 60 * MINUTE;

  @Test
  void aSteadyGrowthReadsAsItsDailyRateOnceAnHourIsCovered() {
    GrowthRate rate = new GrowthRate();
    // 1 MB an hour, sampled every 15 s.
    for (long t = 0; t < HOUR; t += MINUTE / 4) {
      rate.record(t, 1e9 + t / (double) HOUR * 1e6);
      assertThat(rate.perDay()).isNaN();
    }
    for (long t = HOUR; t <= 3 * HOUR; t += MINUTE / 4) {
      rate.record(t, 1e9 + t / (double) HOUR * 1e6);
    }
    assertThat(rate.perDay()).isCloseTo(24e6, within(1e3));
  }

  @Test
  void aDropForRetentionIsNoGrowthNotNegativeGrowth() {
    GrowthRate rate = new GrowthRate();
    rate.record(0, 5e9);
    rate.record(HOUR, 5e9 + 2e6);
    rate.record(HOUR + MINUTE, 3e9); // a partition dropped
    rate.record(2 * HOUR + MINUTE, 3e9 + 2e6);
    assertThat(rate.perDay())
        .isCloseTo(4e6 / (2 * HOUR + MINUTE) * GrowthRate.DAY_NANOS, within(1.0));
  }

  @Test
  void onlyTheLastDayCounts() {
    GrowthRate rate = new GrowthRate();
    // A burst of 10 GB two days ago, then 1 MB an hour.
    rate.record(0, 0);
    rate.record(MINUTE, 1e10);
    long start = 2 * 24 * HOUR;
    for (long t = start; t <= start + 24 * HOUR; t += 5 * MINUTE) {
      rate.record(t, 1e10 + (t - start) / (double) HOUR * 1e6);
    }
    assertThat(rate.perDay()).isCloseTo(24e6, within(1e5));
  }

  @Test
  void missingSamplesAreSkipped() {
    GrowthRate rate = new GrowthRate();
    rate.record(0, 100);
    rate.record(HOUR / 2, Double.NaN);
    rate.record(2 * HOUR, 200);
    assertThat(rate.perDay()).isCloseTo(1200, within(1e-6));
  }
}
