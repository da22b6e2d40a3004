package org.dxscraper.scraper.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.dxscraper.scraper.parse.Unparsed;

/**
 * What one node's lines became. Written on the event loop, read by anyone without locks; the
 * counters only grow.
 */
public final class NodeIngestStats {
  /**
   * The reasons a line can count as a parse failure: every {@link Unparsed} reason but {@link
   * Unparsed#EMPTY}, since blank lines are always the node's text ({@link #nodeText()}).
   */
  public static final List<String> FAILURE_REASONS =
      Unparsed.REASONS.stream().filter(r -> !r.equals(Unparsed.EMPTY)).toList();

  final LongAdder lines = new LongAdder();
  final LongAdder spots = new LongAdder();
  final LongAdder wwvReports = new LongAdder();
  final LongAdder backfillSpots = new LongAdder();
  final LongAdder nodeText = new LongAdder();
  volatile Instant lastSpotAt;
  private final Map<String, LongAdder> unparsed = new ConcurrentHashMap<>();

  /** A live spot arrived; lines replayed from the journal may be older than the last one. */
  void spotHeard(Instant at) {
    Instant last = lastSpotAt;
    if (last == null || at.isAfter(last)) {
      lastSpotAt = at;
    }
  }

  void countUnparsed(String reason) {
    unparsed.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Every line the node sent, parsed or not. */
  public long lines() {
    return lines.sum();
  }

  /** Lines that parsed as spots (each is handed to the writer), live and backfilled. */
  public long spots() {
    return spots.sum();
  }

  /** Spots from history lines ({@code sh/dx}) asked for after a gap; part of {@link #spots()}. */
  public long backfillSpots() {
    return backfillSpots.sum();
  }

  /** WWV reports received: the old scraper's dx_scraper_wwv_total. */
  public long wwvReports() {
    return wwvReports.sum();
  }

  /**
   * When the last live spot line arrived (history lines do not count), or null before the first.
   */
  public Instant lastSpotAt() {
    return lastSpotAt;
  }

  /**
   * Lines that were the node's own text rather than broadcasts: banner, motd, prompts, replies to
   * commands, blank lines ({@link IngestPipeline#isNodeText}). Not parse failures.
   */
  public long nodeText() {
    return nodeText.sum();
  }

  /**
   * Parse failures: lines that parsed as nothing for {@code reason} and were not the node's text; 0
   * for a reason not seen yet.
   */
  public long unparsed(String reason) {
    LongAdder count = unparsed.get(reason);
    return count == null ? 0 : count.sum();
  }
}
