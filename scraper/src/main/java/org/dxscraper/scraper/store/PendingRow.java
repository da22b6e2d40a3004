package org.dxscraper.scraper.store;

import java.time.Instant;
import java.util.Objects;
import org.dxscraper.scraper.parse.Announcement;
import org.dxscraper.scraper.parse.SolarReport;

/** Something received that the writer is to store: a spot, a solar report or an announcement. */
public sealed interface PendingRow {

  /** When the line arrived; the writer measures the time to commit from it. */
  Instant receivedAt();

  /**
   * A spot, parsed and enriched, column for column as it goes into {@code spot}.
   *
   * @param frequencyHz exact; stored as kHz with three decimals
   * @param modeSource "stated" or "inferred" where {@code mode} is set, else null
   * @param backfilled recovered from the node's history ({@code sh/dx}) after a gap, not live
   * @param keyHigh the first half of the unique key's 128-bit fingerprint ({@link DedupWindow}),
   *     computed by the constructor from the key's columns: whatever is passed is replaced
   * @param keyLow the second half, likewise
   */
  record SpotRow(
      Instant spottedAt,
      Instant receivedAt,
      String node,
      String spotter,
      long frequencyHz,
      String dxCall,
      String comment,
      String band,
      String mode,
      String modeSource,
      Integer snrDb,
      Integer speed,
      String speedUnit,
      String spotType,
      String dxGrid,
      String spotterGrid,
      String dxEntity,
      String dxContinent,
      Integer dxCqZone,
      String spotterEntity,
      String spotterContinent,
      Integer spotterCqZone,
      boolean backfilled,
      long keyHigh,
      long keyLow)
      implements PendingRow {
    /**
     * Checks the row and fingerprints its unique key. The fingerprint is made here, once per row,
     * where the row is built (the event loop, while the strings it hashes are in its cache), so
     * that the writer's dedup checks, its wait for an earlier batch holding the same spot and its
     * duplicate check within a batch compare two longs instead of building and hashing a key each
     * (three keys and two hash sets per row before: docs/BENCHMARKS.md, "An eleventh session").
     */
    public SpotRow {
      Objects.requireNonNull(spottedAt, "spottedAt");
      Objects.requireNonNull(receivedAt, "receivedAt");
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(spotter, "spotter");
      Objects.requireNonNull(dxCall, "dxCall");
      Objects.requireNonNull(comment, "comment");
      if (frequencyHz <= 0) {
        throw new IllegalArgumentException("frequencyHz must be positive, got " + frequencyHz);
      }
      long minute = DedupWindow.epochMinute(spottedAt);
      long tenths = DedupWindow.tenthsOfKhz(frequencyHz);
      keyHigh = DedupWindow.high(minute, tenths, dxCall, spotter);
      keyLow = DedupWindow.low(minute, tenths, dxCall, spotter);
    }

    /** A row whose key the constructor fingerprints; the columns as they go into {@code spot}. */
    public SpotRow(
        Instant spottedAt,
        Instant receivedAt,
        String node,
        String spotter,
        long frequencyHz,
        String dxCall,
        String comment,
        String band,
        String mode,
        String modeSource,
        Integer snrDb,
        Integer speed,
        String speedUnit,
        String spotType,
        String dxGrid,
        String spotterGrid,
        String dxEntity,
        String dxContinent,
        Integer dxCqZone,
        String spotterEntity,
        String spotterContinent,
        Integer spotterCqZone,
        boolean backfilled) {
      this(
          spottedAt,
          receivedAt,
          node,
          spotter,
          frequencyHz,
          dxCall,
          comment,
          band,
          mode,
          modeSource,
          snrDb,
          speed,
          speedUnit,
          spotType,
          dxGrid,
          spotterGrid,
          dxEntity,
          dxContinent,
          dxCqZone,
          spotterEntity,
          spotterContinent,
          spotterCqZone,
          backfilled,
          0,
          0);
    }

    /** Whether {@code other} has the same unique key, by fingerprint. */
    boolean sameKey(SpotRow other) {
      return keyHigh == other.keyHigh && keyLow == other.keyLow;
    }
  }

  /** A WWV or WCY report as received from {@code node}. */
  record SolarRow(String node, Instant receivedAt, SolarReport report) implements PendingRow {
    public SolarRow {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(receivedAt, "receivedAt");
      Objects.requireNonNull(report, "report");
    }
  }

  /** An announcement as received from {@code node}. */
  record AnnouncementRow(String node, Instant receivedAt, Announcement announcement)
      implements PendingRow {
    public AnnouncementRow {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(receivedAt, "receivedAt");
      Objects.requireNonNull(announcement, "announcement");
    }
  }
}
