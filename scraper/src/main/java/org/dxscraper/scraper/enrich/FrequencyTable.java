package org.dxscraper.scraper.enrich;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Non-overlapping frequency ranges, each carrying a value, looked up by binary search over two
 * parallel {@code long} arrays. Immutable and thread-safe; {@link #find} allocates nothing, which
 * matters because it runs for every spot.
 *
 * @param <T> the value a range carries
 */
final class FrequencyTable<T> {

  private final long[] lows;
  private final long[] highs;
  private final List<T> values;

  private FrequencyTable(long[] lows, long[] highs, List<T> values) {
    this.lows = lows;
    this.highs = highs;
    this.values = values;
  }

  static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /**
   * Returns the value of the range holding {@code frequencyHz} (both edges inclusive), or null when
   * no range holds it.
   */
  T find(long frequencyHz) {
    int index = Arrays.binarySearch(lows, frequencyHz);
    // Not found: binarySearch returns -(insertion point) - 1; the candidate is the range before.
    int candidate = index >= 0 ? index : -index - 2;
    if (candidate < 0 || frequencyHz > highs[candidate]) {
      return null;
    }
    return values.get(candidate);
  }

  int size() {
    return lows.length;
  }

  /** Collects ranges in ascending order; {@link #build} rejects overlaps. */
  static final class Builder<T> {
    private final List<long[]> edges = new ArrayList<>();
    private final List<T> values = new ArrayList<>();

    private Builder() {}

    /** Adds the range {@code lowHz..highHz}, both inclusive. */
    Builder<T> add(long lowHz, long highHz, T value) {
      if (lowHz <= 0 || highHz < lowHz) {
        throw new IllegalArgumentException(
            "range must satisfy 0 < low <= high, got " + lowHz + ".." + highHz + " Hz");
      }
      if (value == null) {
        throw new IllegalArgumentException("range " + lowHz + ".." + highHz + " Hz has no value");
      }
      if (!edges.isEmpty() && lowHz <= edges.getLast()[1]) {
        long[] previous = edges.getLast();
        throw new IllegalArgumentException(
            "ranges must be ascending and must not overlap, got "
                + lowHz
                + ".."
                + highHz
                + " Hz after "
                + previous[0]
                + ".."
                + previous[1]
                + " Hz");
      }
      edges.add(new long[] {lowHz, highHz});
      values.add(value);
      return this;
    }

    FrequencyTable<T> build() {
      long[] lows = new long[edges.size()];
      long[] highs = new long[edges.size()];
      for (int i = 0; i < lows.length; i++) {
        lows[i] = edges.get(i)[0];
        highs[i] = edges.get(i)[1];
      }
      return new FrequencyTable<>(lows, highs, List.copyOf(values));
    }
  }
}
