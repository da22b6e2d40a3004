package org.dxscraper.scraper.ingest;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.dxscraper.scraper.cluster.LineSink;
import org.dxscraper.scraper.parse.Announcement;
import org.dxscraper.scraper.parse.ClusterMessage;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.SolarReport;
import org.dxscraper.scraper.parse.Spot;
import org.dxscraper.scraper.parse.SpotFormat;
import org.dxscraper.scraper.parse.Unparsed;
import org.dxscraper.scraper.store.PendingRow.AnnouncementRow;
import org.dxscraper.scraper.store.PendingRow.SolarRow;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.dxscraper.scraper.store.SpotWriter;

/**
 * Where every line from every node goes: parsed, enriched and handed to the writer. Runs on the
 * Netty event loop, so it only does cheap, non-blocking work (parsing and enrichment are pure and
 * allocation-light; {@link SpotWriter#submit} never blocks).
 */
public final class IngestPipeline implements LineSink {
  private final LineParser parser = new LineParser();
  private final Enricher enricher;
  private final SpotWriter writer;
  private final Map<String, NodeIngestStats> nodes = new LinkedHashMap<>();
  private volatile SpotListener listener = row -> {};

  /** Hears every spot as it is received, on the event loop: must be fast and never block. */
  @FunctionalInterface
  public interface SpotListener {
    void spotReceived(SpotRow row);
  }

  /**
   * @param nodeNames every configured node, so that each has its counters from the start
   */
  public IngestPipeline(Collection<String> nodeNames, Enricher enricher, SpotWriter writer) {
    this.enricher = Objects.requireNonNull(enricher, "enricher");
    this.writer = Objects.requireNonNull(writer, "writer");
    for (String name : nodeNames) {
      nodes.put(name, new NodeIngestStats());
    }
  }

  @Override
  public void onLine(String node, String line, Instant receivedAt) {
    process(node, line, receivedAt, SpotWriter.NO_SEQ, false);
  }

  /**
   * Parses, enriches and submits one line.
   *
   * @param seq the line's journal sequence, or {@link SpotWriter#NO_SEQ} without a journal; the
   *     writer checkpoints by it
   * @param replayed a line from the journal of an earlier run: stored like any other, but not
   *     counted again as received from the node (it was counted by the run that received it)
   */
  public void process(String node, String line, Instant receivedAt, long seq, boolean replayed) {
    NodeIngestStats stats = nodes.get(node);
    if (stats == null) {
      if (!replayed) {
        throw new IllegalArgumentException("line from unconfigured node '" + node + "'");
      }
      // A node no longer configured: its journalled lines are still stored under its name.
      stats = new NodeIngestStats();
    } else if (replayed) {
      stats = new NodeIngestStats();
    }
    stats.lines.increment();
    ClusterMessage message = parser.parse(line, receivedAt);
    switch (message) {
      case Spot spot -> {
        stats.spots.increment();
        if (spot.format() == SpotFormat.SHOW_DX) {
          // History asked for after a gap: not a sign that the node is alive now.
          stats.backfillSpots.increment();
        } else {
          stats.spotHeard(receivedAt);
        }
        SpotRow row = enricher.row(node, spot, receivedAt);
        if (!replayed) {
          listener.spotReceived(row);
        }
        writer.submit(row, seq);
      }
      case SolarReport report -> {
        if (report.bulletin() == SolarReport.Kind.WWV) {
          stats.wwvReports.increment();
        }
        writer.submit(new SolarRow(node, receivedAt, report), seq);
      }
      case Announcement announcement -> {
        writer.submit(new AnnouncementRow(node, receivedAt, announcement), seq);
      }
      case Unparsed unparsed -> {
        if (isNodeText(unparsed.reason(), line)) {
          stats.nodeText.increment();
        } else {
          stats.countUnparsed(unparsed.reason());
        }
      }
      default -> {} // talk, WX, prompts: understood, not stored
    }
    writer.linesDone(seq);
  }

  /**
   * Notes a line at the moment it arrives while its parsing waits in the journal (the writer is
   * behind): a live spot line keeps the node's {@link NodeIngestStats#lastSpotAt()} current, so the
   * watchdog does not take a busy node for a stalled one. Cheap: a prefix test, no parsing.
   */
  public void heard(String node, String line, Instant receivedAt) {
    NodeIngestStats stats = nodes.get(node);
    if (stats != null && (line.startsWith("DX de ") || line.startsWith("CC11^"))) {
      stats.spotHeard(receivedAt);
    }
  }

  /**
   * True for the node's own text: blank lines, and lines the parser knows no kind for that do not
   * start like a broadcast ({@link LineParser#startsLikeBroadcast}). That is the banner and motd
   * after every login (about 9 lines from DXSpider), replies to our commands ({@code Page Length is
   * now 0 lines}) and page prompts: expected, not parse failures. A line that starts like a spot or
   * report and still could not be read stays a failure.
   */
  static boolean isNodeText(String reason, String line) {
    return reason.equals(Unparsed.EMPTY)
        || (reason.equals(Unparsed.UNKNOWN_LINE) && !LineParser.startsLikeBroadcast(line));
  }

  /** Replaces the spot listener (metrics count spots by band and mode through it). */
  public void setSpotListener(SpotListener newListener) {
    listener = Objects.requireNonNull(newListener, "listener");
  }

  /** Counters per node, in configuration order; the map never changes after construction. */
  public Map<String, NodeIngestStats> nodes() {
    return Collections.unmodifiableMap(nodes);
  }
}
