package org.dxscraper.scraper.store;

import java.time.Instant;
import java.util.Arrays;

/**
 * Remembers the identities of the last spots stored, so that most duplicates (the same spot from a
 * second node a moment later) never reach the database. The database's unique key stays the rule;
 * this only saves it work, so forgetting an old spot is harmless, and only a spot it claims to have
 * seen and has not would be lost.
 *
 * <p>The identity is the unique key's: minute, DX call, spotter and frequency rounded to 0.1 kHz,
 * kept as a 128-bit fingerprint in two tables of primitives, one filling while the other holds the
 * generation before it: at least {@code capacity / 2} and at most {@code capacity} spots are
 * remembered. No object is kept per spot. It was a {@code LinkedHashMap} of keys, whose entries,
 * keys and strings lived a second or two at 10,000 spots/s: long enough to be copied by every young
 * collection and to overflow the survivor spaces (docs/BENCHMARKS.md, "Memory"). Two distinct
 * identities share a fingerprint with a probability of about {@code capacity / 2^128} per lookup.
 *
 * <p>Not thread-safe: the writer's threads use it under {@link BatchStore.Shared}'s monitor.
 */
final class DedupWindow {

  /**
   * Spots remembered by the writer at most; at least half of it: 20 s or more at RBN's contest
   * peaks of about 500 spots/s, minutes at ordinary rates, and two nodes relay the same spot
   * seconds apart. Two tables of 32,768 slots of 16 bytes: 1 MB, allocated once.
   */
  static final int CAPACITY = 20_000;

  /** Far more than any writer needs; the tables' sizes stay well within an int. */
  static final int MAX_CAPACITY = 1 << 24;

  private final int generation;
  private Fingerprints filling;
  private Fingerprints previous;

  /**
   * @param capacity spots remembered at most, 2 to {@link #MAX_CAPACITY}; at least half of them are
   */
  DedupWindow(int capacity) {
    if (capacity < 2 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "capacity must be 2.." + MAX_CAPACITY + ", got " + capacity);
    }
    this.generation = capacity / 2;
    this.filling = new Fingerprints(generation);
    this.previous = new Fingerprints(generation);
  }

  /**
   * Whether a spot with this identity was committed while it is remembered. By the fingerprint the
   * row carries ({@link PendingRow.SpotRow#keyHigh()}).
   */
  boolean seen(PendingRow.SpotRow spot) {
    long high = spot.keyHigh();
    long low = spot.keyLow();
    return filling.contains(high, low) || previous.contains(high, low);
  }

  /**
   * Remembers a committed spot's identity. Only committed ones: a spot that was refused or never
   * stored must not make a good copy from another node look like a duplicate.
   */
  void remember(PendingRow.SpotRow spot) {
    long high = spot.keyHigh();
    long low = spot.keyLow();
    if (filling.contains(high, low)) {
      return;
    }
    if (filling.size() == generation) {
      Fingerprints oldest = previous;
      oldest.clear();
      previous = filling;
      filling = oldest;
    }
    filling.add(high, low);
  }

  /** The key's frequency: {@code round(frequency_khz, 1)} in tenths of a kilohertz. */
  static long tenthsOfKhz(PendingRow.SpotRow spot) {
    return tenthsOfKhz(spot.frequencyHz());
  }

  /** The key's minute: minutes since the epoch, rounded down. */
  static long epochMinute(Instant spottedAt) {
    return Math.floorDiv(spottedAt.getEpochSecond(), 60);
  }

  /** {@link #tenthsOfKhz(PendingRow.SpotRow)} of a frequency in Hz. */
  static long tenthsOfKhz(long frequencyHz) {
    // round() in SQL rounds half away from zero; frequencies are positive.
    return (frequencyHz + 50) / 100;
  }

  // Two 64-bit hashes of the key, with different multipliers, each finished by MurmurHash3's
  // 64-bit finaliser. Written here rather than taken from a library: Guava's or commons-codec's
  // hashers would bring a dependency (or allocate a hasher per key) for twenty lines. Each string
  // is hashed with its length first, so that ("AB", "C") and ("A", "BC") differ; each number goes
  // through the finaliser first, so that no change of its bits (bit 63 alone, say, which a
  // multiplication keeps where it is) can cancel another's.

  private static final long MULTIPLIER_HIGH = 0x9E37_79B9_7F4A_7C15L;
  private static final long MULTIPLIER_LOW = 0x0000_0100_0000_01B3L;

  /**
   * The first half of the fingerprint of the key {@code (minute, tenths of kHz, call, spotter)}.
   */
  static long high(long epochMinute, long tenthsOfKhz, String dxCall, String spotter) {
    return hash(epochMinute, tenthsOfKhz, dxCall, spotter, 0x2545_F491_4F6C_DD1DL, MULTIPLIER_HIGH);
  }

  /** The second half. */
  static long low(long epochMinute, long tenthsOfKhz, String dxCall, String spotter) {
    return hash(epochMinute, tenthsOfKhz, dxCall, spotter, 0xCBF2_9CE4_8422_2325L, MULTIPLIER_LOW);
  }

  private static long hash(
      long epochMinute,
      long tenthsOfKhz,
      String dxCall,
      String spotter,
      long seed,
      long multiplier) {
    long h = seed;
    h = (h ^ finish(epochMinute)) * multiplier;
    h = (h ^ finish(tenthsOfKhz)) * multiplier;
    h = mix(h, dxCall, multiplier);
    h = mix(h, spotter, multiplier);
    return finish(h);
  }

  private static long mix(long h, String text, long multiplier) {
    int length = text.length();
    h = (h ^ length) * multiplier;
    for (int i = 0; i < length; i++) {
      h = (h ^ text.charAt(i)) * multiplier;
    }
    return h;
  }

  private static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xFF51_AFD7_ED55_8CCDL;
    h ^= h >>> 33;
    h *= 0xC4CE_B9FE_1A85_EC53L;
    h ^= h >>> 33;
    return h;
  }

  /** A set of 128-bit fingerprints: open addressing, linear probing, at most half full. */
  private static final class Fingerprints {
    private final long[] highs;
    private final long[] lows;
    private final int mask;
    private int size;

    Fingerprints(int maxSize) {
      int slots = Integer.highestOneBit(Math.max(2, maxSize) * 2 - 1) << 1;
      this.highs = new long[slots];
      this.lows = new long[slots];
      this.mask = slots - 1;
    }

    int size() {
      return size;
    }

    boolean contains(long high, long low) {
      high = nonZero(high);
      for (int i = (int) high & mask; highs[i] != 0; i = (i + 1) & mask) {
        if (highs[i] == high && lows[i] == low) {
          return true;
        }
      }
      return false;
    }

    /** Adds a fingerprint not in the set yet. */
    void add(long high, long low) {
      high = nonZero(high);
      int i = (int) high & mask;
      while (highs[i] != 0) {
        i = (i + 1) & mask;
      }
      highs[i] = high;
      lows[i] = low;
      size++;
    }

    void clear() {
      Arrays.fill(highs, 0);
      Arrays.fill(lows, 0);
      size = 0;
    }

    /** 0 marks an empty slot; the one fingerprint half that hashes to 0 shares 1's slots. */
    private static long nonZero(long high) {
      return high == 0 ? 1 : high;
    }
  }
}
