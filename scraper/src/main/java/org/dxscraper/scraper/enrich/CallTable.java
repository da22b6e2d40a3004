package org.dxscraper.scraper.enrich;

import java.util.Map;
import java.util.Optional;

/**
 * An open-addressing hash table from upper-case calls or prefixes to their entity, probed with a
 * region of a string compared without regard to ASCII case. A {@code HashMap<String, ...>} would
 * need a new {@code String} for every prefix length tried (up to 11 per call, two calls per spot);
 * probing the caller's string in place makes a lookup allocation-free. Immutable and thread-safe.
 */
final class CallTable {

  private record Slot(String key, Optional<Dxcc> value) {}

  private final Slot[] slots;
  private final int mask;
  private final int maxKeyLength;

  /**
   * @param entries keys in upper case (letters, digits, {@code /}); values are returned as given,
   *     so that equal values can share one instance
   */
  CallTable(Map<String, Optional<Dxcc>> entries) {
    // At most half full, so that a miss ends after a probe or two.
    int capacity = Integer.highestOneBit(Math.max(16, entries.size() * 2) - 1) << 1;
    slots = new Slot[capacity];
    mask = capacity - 1;
    int longest = 0;
    for (Map.Entry<String, Optional<Dxcc>> entry : entries.entrySet()) {
      String key = entry.getKey();
      int index = hash(key, 0, key.length()) & mask;
      while (slots[index] != null) {
        index = (index + 1) & mask;
      }
      slots[index] = new Slot(key, entry.getValue());
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
    int index = hash(text, start, end) & mask;
    for (Slot slot = slots[index]; slot != null; slot = slots[index]) {
      if (slot.key.length() == length && regionEquals(slot.key, text, start)) {
        return slot.value;
      }
      index = (index + 1) & mask;
    }
    return null;
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
