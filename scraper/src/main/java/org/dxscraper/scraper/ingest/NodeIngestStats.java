package org.dxscraper.scraper.ingest;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one node's lines became. Written on the event loop, read by anyone without locks; the
 * counters only grow.
 */
public final class NodeIngestStats {
  final LongAdder lines = new LongAdder();
  final LongAdder spots = new LongAdder();
  final LongAdder solarReports = new LongAdder();
  final LongAdder wwvReports = new LongAdder();
  volatile Instant lastSpotAt;
  final LongAdder announcements = new LongAdder();
  final LongAdder otherMessages = new LongAdder();
  private final Map<String, LongAdder> unparsed = new ConcurrentHashMap<>();

  void unparsed(String reason) {
    unparsed.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Every line the node sent, parsed or not. */
  public long lines() {
    return lines.sum();
  }

  /** Lines that parsed as spots (each is handed to the writer). */
  public long spots() {
    return spots.sum();
  }

  public long solarReports() {
    return solarReports.sum();
  }

  /** WWV reports among {@link #solarReports()}: the old scraper's dx_scraper_wwv_total. */
  public long wwvReports() {
    return wwvReports.sum();
  }

  /** When the last spot line arrived, or null before the first. */
  public Instant lastSpotAt() {
    return lastSpotAt;
  }

  public long announcements() {
    return announcements.sum();
  }

  /** Talk, WX and prompt lines: understood, not stored. */
  public long otherMessages() {
    return otherMessages.sum();
  }

  /** Lines that parsed as nothing, by the parser's reason (banners are "unknown-line"). */
  public Map<String, Long> unparsed() {
    Map<String, Long> counts = new TreeMap<>();
    unparsed.forEach((reason, n) -> counts.put(reason, n.sum()));
    return counts;
  }
}
