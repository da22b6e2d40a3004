package org.dxscraper.scraper.enrich;

import java.util.Map;
import java.util.Optional;

/**
 * An open-addressing hash table from upper-case calls or prefixes to their entity, probed with a
 * region of a string compared without regard to ASCII case. A {@code HashMap<String, ...>} would
 * need a new {@code String} for every prefix length tried (up to 11 per call, two calls per spot);
 * probing the caller's string in place makes a lookup allocation-free. Immutable and thread-safe.
 *
 * <p>The probe sequence lives in one {@code long[]}: each slot holds a key's hash and length and
 * where its key and value are, so a probe reads the key itself only when hash and length both
 * match, and the slots a probe walks are next to each other. Most calls on the air are not in the
 * table (cty.dat lists about 20,000 exact calls), so most lookups end at an empty slot having read
 * nothing else. The daemon looks up two calls a spot, with its caches cold at the rates real feeds
 * have; an array of {@code (key, value)} objects cost three dependent reads per probed slot (slot,
 * string, its bytes): 16% of the event loop's CPU at 1,000 spots/s (JFR CPU-time samples,
 * docs/BENCHMARKS.md, "cty.dat lookup").
 */
final class CallTable {

  /** An empty slot; a used one always has a non-zero low half (its entry number plus one). */
  private static final long EMPTY = 0;

  /** The low 24 bits of a slot: its entry number plus one. */
  private static final long ENTRY_BITS = (1L << 24) - 1;

  private final long[] slots;
  private final String[] keys;
  private final Optional<Dxcc>[] values;
  private final int mask;
  private final int maxKeyLength;

  /**
   * @param entries keys in upper case (letters, digits, {@code /}); values are returned as given,
   *     so that equal values can share one instance
   */
  @SuppressWarnings("unchecked")
  CallTable(Map<String, Optional<Dxcc>> entries) {
    // At most half full, so that a miss ends after a probe or two.
    int capacity = Integer.highestOneBit(Math.max(16, entries.size() * 2) - 1) << 1;
    slots = new long[capacity];
    keys = new String[entries.size()];
    values = (Optional<Dxcc>[]) new Optional<?>[entries.size()];
    mask = capacity - 1;
    if (entries.size() >= ENTRY_BITS) {
      throw new IllegalArgumentException("more than " + (ENTRY_BITS - 1) + " keys");
    }
    int longest = 0;
    int entry = 0;
    for (Map.Entry<String, Optional<Dxcc>> e : entries.entrySet()) {
      String key = e.getKey();
      int hash = hash(key, 0, key.length());
      int index = hash & mask;
      while (slots[index] != EMPTY) {
        index = (index + 1) & mask;
      }
      keys[entry] = key;
      values[entry] = e.getValue();
      slots[index] = tag(hash, key.length()) | (entry + 1);
      entry++;
      longest = Math.max(longest, key.length());
    }
    maxKeyLength = longest;
  }

  /** The entity stored for {@code text[start, end)}, or null when the table has no such key. */
  Optional<Dxcc> get(String text, int start, int end) {
    int length = end - start;
    if (length <= 0 || length > maxKeyLength) {
      return null;
    }
    int hash = hash(text, start, end);
    // The hash and the length, as the slot holds them: one comparison for both.
    long wanted = tag(hash, length);
    int index = hash & mask;
    for (long slot = slots[index]; slot != EMPTY; slot = slots[index]) {
      if ((slot & ~ENTRY_BITS) == wanted) {
        int entry = (int) (slot & ENTRY_BITS) - 1;
        String key = keys[entry];
        if (key.length() == length && regionEquals(key, text, start)) {
          return values[entry];
        }
      }
      index = (index + 1) & mask;
    }
    return null;
  }

  /**
   * A slot without its entry number: the hash in the high 32 bits, the length in the next 8 (255
   * for any longer key: the key itself tells those apart).
   */
  private static long tag(int hash, int length) {
    return ((long) hash << 32) | ((long) Math.min(length, 0xFF) << 24);
  }

  private static int hash(String text, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + Ascii.upper(text.charAt(i));
    }
    // Spread the high bits down: the table index uses only the low ones.
    return h ^ (h >>> 16);
  }

  private static boolean regionEquals(String key, String text, int start) {
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) != Ascii.upper(text.charAt(start + i))) {
        return false;
      }
    }
    return true;
  }
}
