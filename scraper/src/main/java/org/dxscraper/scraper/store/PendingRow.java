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
      boolean backfilled)
      implements PendingRow {
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
