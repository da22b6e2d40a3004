package org.dxscraper.scraper.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Waits for a condition for as long as a count keeps rising, instead of for a fixed time: a loaded
 * machine that is slow but moving passes, a count that stops moving fails after {@code stall},
 * however far it is from done. A {@code cap} bounds the whole wait so that a trickle cannot hold a
 * build forever. The outcome says how the count moved, so a failure tells "stuck" from "slow".
 *
 * @param what what was waited for, for messages
 * @param reached whether the condition held
 * @param last the last count read
 * @param waited how long the wait took
 * @param sinceLastRise how long before the end the count last rose
 * @param trace the count over the wait, one entry per change (the oldest dropped but the first)
 */
public record Progress(
    String what,
    boolean reached,
    long last,
    Duration waited,
    Duration sinceLastRise,
    List<String> trace) {

  /** Between two polls of a database count: often enough to see progress, cheap under load. */
  public static final Duration POLL = Duration.ofMillis(100);

  private static final int TRACE_ENTRIES = 40;

  /**
   * Polls {@code count} every {@link #POLL} until it is at least {@code target}, it has not risen
   * for {@code stall}, or {@code cap} has passed since the start.
   */
  public static Progress await(
      String what, LongSupplier count, long target, Duration stall, Duration cap) {
    return await(what + " (" + target + ")", count, () -> count.getAsLong() >= target, stall, cap);
  }

  /**
   * Polls {@code done} and {@code count} every {@link #POLL} until {@code done} holds, {@code
   * count} has not risen for {@code stall}, or {@code cap} has passed since the start.
   */
  public static Progress await(
      String what, LongSupplier count, BooleanSupplier done, Duration stall, Duration cap) {
    long start = System.nanoTime();
    long lastRiseAt = start;
    long last = count.getAsLong();
    List<String> trace = new ArrayList<>();
    trace.add(String.format("%.1fs %d", 0.0, last));
    boolean reached;
    while (!(reached = done.getAsBoolean())) {
      long now = System.nanoTime();
      if (now - lastRiseAt > stall.toNanos() || now - start > cap.toNanos()) {
        break;
      }
      LockSupport.parkNanos(POLL.toNanos());
      long value = count.getAsLong();
      now = System.nanoTime();
      if (value != last) {
        if (value > last) {
          lastRiseAt = now;
        }
        last = value;
        trace.add(String.format("%.1fs %d", (now - start) / 1e9, value));
        if (trace.size() > TRACE_ENTRIES) {
          trace.remove(1);
        }
      }
    }
    long end = System.nanoTime();
    return new Progress(
        what,
        reached,
        last,
        Duration.ofNanos(end - start),
        Duration.ofNanos(end - lastRiseAt),
        List.copyOf(trace));
  }

  /** Whether the count was still rising when the wait ended: it rose within the last second. */
  public boolean stillRising() {
    return sinceLastRise.compareTo(Duration.ofSeconds(1)) < 0;
  }

  @Override
  public String toString() {
    String how =
        reached
            ? "done after " + seconds(waited)
            : "gave up after "
                + seconds(waited)
                + " at "
                + last
                + (stillRising()
                    ? " (still rising: the cap, not a stall, ended the wait)"
                    : " (stalled: no rise for the last " + seconds(sinceLastRise) + ")");
    return what + ": " + how + "; count over the wait: " + String.join(", ", trace);
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toNanos() / (double) TimeUnit.SECONDS.toNanos(1));
  }
}
