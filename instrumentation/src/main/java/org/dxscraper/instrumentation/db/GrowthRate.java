package org.dxscraper.instrumentation.db;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How fast a size grows, in units per day, from samples of it: the increases over the last day (or
 * as much of it as there are samples for, at least an hour) divided by the time they took. A
 * decrease (a partition dropped for retention, a VACUUM FULL) counts as no growth rather than as
 * negative growth, so the figure says how fast data arrives on disk, steadily, whether or not
 * retention frees the same amount once a week.
 *
 * <p>Keeps one point per {@link #STEP_NANOS} (about 300 for a day), whatever the sampling interval.
 * Not thread-safe: one sampling thread records; {@link #perDay} may be read from another thread
 * through the caller's own publication (the caller stores the result in a volatile).
 */
public final class GrowthRate {
  static final long DAY_NANOS = 86_400_000_000_000L;
  static final long WINDOW_NANOS = DAY_NANOS;
  static final long MIN_SPAN_NANOS = 3_600_000_000_000L;
  static final long STEP_NANOS = 300_000_000_000L;

  /** A time and the sum of every increase up to it. */
  private record Point(long nanos, double grown) {}

  private final Deque<Point> points = new ArrayDeque<>();
  private double last = Double.NaN;
  private double grown;
  private Point latest;

  /** Records that the size was {@code value} at {@code nanos} (a monotonic clock). */
  public void record(long nanos, double value) {
    if (Double.isNaN(value)) {
      return;
    }
    if (!Double.isNaN(last) && value > last) {
      grown += value - last;
    }
    last = value;
    latest = new Point(nanos, grown);
    if (points.isEmpty() || nanos - points.peekLast().nanos() >= STEP_NANOS) {
      points.addLast(latest);
    }
    while (points.size() > 1 && nanos - points.peekFirst().nanos() > WINDOW_NANOS) {
      points.removeFirst();
    }
  }

  /** Growth per day over the window, or NaN until the samples span at least an hour. */
  public double perDay() {
    Point first = points.peekFirst();
    if (first == null || latest.nanos() - first.nanos() < MIN_SPAN_NANOS) {
      return Double.NaN;
    }
    return (latest.grown() - first.grown()) / (latest.nanos() - first.nanos()) * DAY_NANOS;
  }
}
