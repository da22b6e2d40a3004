package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.junit.jupiter.api.Test;

class DedupWindowTest {

  private static final Instant MINUTE = Instant.parse("2026-12-05T15:30:00Z");

  private static SpotRow spot(Instant at, long hz, String dxCall, String spotter) {
    return new SpotRow(
        at, at, "node", spotter, hz, dxCall, "", null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, false);
  }

  private static SpotRow spot(int i) {
    return spot(MINUTE, 14_000_000 + 100L * i, "K" + i + "ABC", "N1SPOT");
  }

  @Test
  void seesOnlyWhatWasRemembered() {
    DedupWindow window = new DedupWindow(100);
    SpotRow spot = spot(MINUTE, 14_025_000, "K1ABC", "N1SPOT");
    assertThat(window.seen(spot)).isFalse();

    window.remember(spot);

    assertThat(window.seen(spot)).isTrue();
  }

  @Test
  void knowsASpotByTheUniqueKeysIdentity() {
    DedupWindow window = new DedupWindow(100);
    window.remember(spot(MINUTE, 14_025_000, "K1ABC", "N1SPOT"));

    // The same identity: another second of the minute, the same tenth of a kHz, another node.
    assertThat(window.seen(spot(MINUTE.plusSeconds(59), 14_025_049, "K1ABC", "N1SPOT"))).isTrue();
    // Another identity in each part of the key.
    assertThat(window.seen(spot(MINUTE.plusSeconds(60), 14_025_000, "K1ABC", "N1SPOT"))).isFalse();
    assertThat(window.seen(spot(MINUTE, 14_025_050, "K1ABC", "N1SPOT"))).isFalse();
    assertThat(window.seen(spot(MINUTE, 14_025_000, "K1ABD", "N1SPOT"))).isFalse();
    assertThat(window.seen(spot(MINUTE, 14_025_000, "K1ABC", "N1SPOU"))).isFalse();
    // The call's end moved into the spotter: still two strings, another identity.
    assertThat(window.seen(spot(MINUTE, 14_025_000, "K1AB", "CN1SPOT"))).isFalse();
  }

  @Test
  void remembersAtLeastHalfItsCapacityAndForgetsWhatIsOlderThanAllOfIt() {
    DedupWindow window = new DedupWindow(10);
    for (int i = 0; i <= 10; i++) {
      window.remember(spot(i));
    }

    assertThat(window.seen(spot(0))).isFalse();
    for (int i = 6; i <= 10; i++) {
      assertThat(window.seen(spot(i))).as("spot %d", i).isTrue();
    }
  }

  @Test
  void rememberingASpotTwiceTakesOnePlace() {
    DedupWindow window = new DedupWindow(4);
    window.remember(spot(1));
    window.remember(spot(2));
    window.remember(spot(2));
    window.remember(spot(2));
    window.remember(spot(3));

    // Capacity 4 remembers at least 2: with spot 2 counted once, spot 1 is still in.
    assertThat(window.seen(spot(1))).isTrue();
    assertThat(window.seen(spot(3))).isTrue();
  }

  /**
   * A smoke test of the fingerprints, not a proof of their odds: 1.8 billion pairs would catch only
   * a hash far weaker than the design's (about 2^-31 a pair or worse).
   */
  @Test
  void takesNoSpotForAnotherAmongTwoHundredThousand() {
    DedupWindow window = new DedupWindow(DedupWindow.CAPACITY);
    for (int i = 0; i < DedupWindow.CAPACITY / 2; i++) {
      window.remember(spot(i));
    }
    for (int i = DedupWindow.CAPACITY; i < 200_000; i++) {
      assertThat(window.seen(spot(i))).as("spot %d", i).isFalse();
    }
    for (int i = 0; i < DedupWindow.CAPACITY / 2; i++) {
      assertThat(window.seen(spot(i))).as("spot %d", i).isTrue();
    }
  }

  @Test
  void tellsApartKeysThatDifferOnlyWhereAHashCouldLoseIt() {
    DedupWindow window = new DedupWindow(100);
    long minute = 29_000_000;
    long tenths = 140_250;
    window.remember(spot(MINUTE, 14_025_000, "", "N1SPOT"));
    window.remember(spot(MINUTE, 14_025_000, "K1\u00c5BC", "N1SPOT"));
    window.remember(spot(MINUTE, 14_025_000, "K1\u4e2dBC", "N1SPOT"));
    SpotRow stored = spot(Instant.ofEpochSecond(60 * minute), 14_025_000, "K1ABC", "N1SPOT");
    window.remember(stored);

    assertThat(window.seen(stored)).isTrue();
    assertThat(stored.keyHigh()).isEqualTo(DedupWindow.high(minute, tenths, "K1ABC", "N1SPOT"));
    assertThat(stored.keyLow()).isEqualTo(DedupWindow.low(minute, tenths, "K1ABC", "N1SPOT"));
    // Bit 63 of both numbers flipped: a multiplication alone keeps such a change in place. No row
    // has such numbers, so the fingerprint's two halves are compared directly.
    long flippedMinute = minute ^ Long.MIN_VALUE;
    long flippedTenths = tenths ^ Long.MIN_VALUE;
    assertThat(DedupWindow.high(flippedMinute, flippedTenths, "K1ABC", "N1SPOT"))
        .isNotEqualTo(stored.keyHigh());
    assertThat(DedupWindow.low(flippedMinute, flippedTenths, "K1ABC", "N1SPOT"))
        .isNotEqualTo(stored.keyLow());
    assertThat(window.seen(spot(MINUTE, 14_025_000, "", "N1SPOT"))).isTrue();
    assertThat(window.seen(spot(MINUTE, 14_025_000, "K1\u00c5BC", "N1SPOT"))).isTrue();
    assertThat(window.seen(spot(MINUTE, 14_025_000, "K1\u00c4BC", "N1SPOT"))).isFalse();
    assertThat(window.seen(spot(MINUTE, 14_025_000, "K1\u4e2eBC", "N1SPOT"))).isFalse();
    assertThat(window.seen(spot(MINUTE, 14_025_000, "N1SPOT", ""))).isFalse();
  }

  @Test
  void aRowsFingerprintIsItsKeysWhateverItsConstructorWasGiven() {
    SpotRow row = spot(MINUTE, 14_025_000, "K1ABC", "N1SPOT");
    SpotRow given =
        new SpotRow(
            row.spottedAt(),
            row.receivedAt(),
            "another node",
            row.spotter(),
            14_025_049, // the same tenth of a kHz
            row.dxCall(),
            "another comment",
            row.band(),
            row.mode(),
            row.modeSource(),
            row.snrDb(),
            row.speed(),
            row.speedUnit(),
            row.spotType(),
            row.dxGrid(),
            row.spotterGrid(),
            row.dxEntity(),
            row.dxContinent(),
            row.dxCqZone(),
            row.spotterEntity(),
            row.spotterContinent(),
            row.spotterCqZone(),
            !row.backfilled(),
            1,
            2);

    assertThat(given.keyHigh()).isEqualTo(row.keyHigh()).isNotEqualTo(1);
    assertThat(given.keyLow()).isEqualTo(row.keyLow()).isNotEqualTo(2);
    assertThat(given.sameKey(row)).isTrue();
    assertThat(given.sameKey(spot(MINUTE, 14_025_050, "K1ABC", "N1SPOT"))).isFalse();
  }

  @Test
  void refusesACapacityOutsideTwoToItsMaximum() {
    assertThatIllegalArgumentException().isThrownBy(() -> new DedupWindow(1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new DedupWindow(DedupWindow.MAX_CAPACITY + 1));
  }
}
