package org.dxscraper.scraper.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the identities of the last spots seen, so that most duplicates (the same spot from a
 * second node a moment later) never reach the database. The database's unique key stays the rule;
 * this only saves it work, so forgetting an old spot is harmless.
 *
 * <p>The identity is the unique key's: minute, DX call, spotter and frequency rounded to 0.1 kHz.
 * Not thread-safe: the writer's threads use it under {@link BatchStore.Shared}'s monitor.
 */
final class DedupWindow {
  private final Map<Key, Boolean> seen;

  /**
   * Spots remembered by the writer: 20 s at RBN's contest peaks of about 500 spots/s, minutes at
   * ordinary rates, and two nodes relay the same spot seconds apart. It was 50,000: 9-10 MB of
   * keys, their entries and the strings they hold, 40% of the daemon's live heap at 10,000 spots/s
   * (class histogram after a full collection: 24 MB live), for duplicates the database's key
   * refuses anyway.
   */
  static final int CAPACITY = 10_000;

  record Key(long epochMinute, long tenthsOfKhz, String dxCall, String spotter) {}

  /**
   * @param capacity spots remembered
   */
  DedupWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.seen =
        new LinkedHashMap<>(capacity * 4 / 3 + 1) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Whether a spot with this identity was committed while it is remembered. */
  boolean seen(PendingRow.SpotRow spot) {
    return seen(keyOf(spot));
  }

  /** {@link #seen(PendingRow.SpotRow)} of a key made already. */
  boolean seen(Key key) {
    return seen.containsKey(key);
  }

  /**
   * Remembers a committed spot's identity. Only committed ones: a spot that was refused or never
   * stored must not make a good copy from another node look like a duplicate.
   */
  void remember(PendingRow.SpotRow spot) {
    seen.put(keyOf(spot), Boolean.TRUE);
  }

  static Key keyOf(PendingRow.SpotRow spot) {
    return new Key(
        spot.spottedAt().getEpochSecond() / 60, tenthsOfKhz(spot), spot.dxCall(), spot.spotter());
  }

  /** The key's frequency: {@code round(frequency_khz, 1)} in tenths of a kilohertz. */
  static long tenthsOfKhz(PendingRow.SpotRow spot) {
    // round() in SQL rounds half away from zero; frequencies are positive.
    return (spot.frequencyHz() + 50) / 100;
  }
}
