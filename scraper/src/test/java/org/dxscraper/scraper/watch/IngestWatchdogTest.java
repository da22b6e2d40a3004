package org.dxscraper.scraper.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How often the watchdog looks: often enough for its shortest timeout, rarely when idle. */
class IngestWatchdogTest {

  @Test
  void theDefaultTimeoutsAreCheckedEveryTenSeconds() {
    // The shortest default is two minutes (RBN, writer): a stall is seen at most 10 s late.
    assertThat(IngestWatchdog.checkEvery(null)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anOverrideIsCheckedTwelveTimesPerTimeout() {
    assertThat(IngestWatchdog.checkEvery(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aShortOverrideIsCheckedEverySecond() {
    assertThat(IngestWatchdog.checkEvery(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aLongOverrideIsStillCheckedEveryTenSeconds() {
    assertThat(IngestWatchdog.checkEvery(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(10));
  }
}
