package org.dxscraper.scraper.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4));

  @Test
  void ceilingDoublesFromInitialToTheCap() {
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.ceiling(4)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void drawsEveryWaitBetweenTheFloorAndTheCeiling() {
    RandomGenerator random = new Random(7);
    for (int attempt = 1; attempt <= 10; attempt++) {
      for (int i = 0; i < 1_000; i++) {
        assertThat(backoff.delay(attempt, random))
            .isBetween(Backoff.FLOOR, backoff.ceiling(attempt));
      }
    }
  }

  @Test
  void fullJitterSpreadsTheWaitsOverTheWholeRange() {
    RandomGenerator random = new Random(11);
    long below1s = 0;
    long above3s = 0;
    long totalMillis = 0;
    int draws = 10_000;
    for (int i = 0; i < draws; i++) {
      long millis = backoff.delay(5, random).toMillis();
      totalMillis += millis;
      below1s += millis < 1_000 ? 1 : 0;
      above3s += millis > 3_000 ? 1 : 0;
    }

    // Uniform on [0.1 s, 4 s]: mean 2.05 s, about a quarter below 1 s and a quarter above 3 s.
    assertThat(totalMillis / draws).isBetween(1_950L, 2_150L);
    assertThat(below1s).isBetween(2_000L, 2_600L);
    assertThat(above3s).isBetween(2_300L, 2_900L);
  }

  @Test
  void rejectsACapBelowTheInitialAndAnInitialBelowTheFloor() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .hasMessageContaining("backoff cap must be at least the initial PT5S, got PT1S");
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("initial backoff must be at least PT0.1S, got PT0S");
  }
}
