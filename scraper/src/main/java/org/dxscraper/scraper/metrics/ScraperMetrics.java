package org.dxscraper.scraper.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.dxscraper.scraper.cluster.NodeCounters;
import org.dxscraper.scraper.cluster.NodeStatus;
import org.dxscraper.scraper.cluster.ReconnectReason;
import org.dxscraper.scraper.ingest.Daemon;
import org.dxscraper.scraper.ingest.IngestPipeline;
import org.dxscraper.scraper.ingest.JournaledSink;
import org.dxscraper.scraper.ingest.NodeIngestStats;
import org.dxscraper.scraper.store.Journal;
import org.dxscraper.scraper.store.PartitionKeeper;
import org.dxscraper.scraper.store.Partitions;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.dxscraper.scraper.store.SpotWriter;
import org.dxscraper.scraper.store.WriterStats;
import org.dxscraper.scraper.watch.IngestWatchdog;

/**
 * The scraper's own meters: the old Python scraper's names with their meaning, and the new ones
 * (README, "Metrics"). Almost all read counters the daemon keeps anyway (function counters and
 * gauges), so the ingest path pays nothing for them; the two per-spot counters by band and mode
 * cost one map lookup and one increment.
 *
 * <p>Node labels are registered for every configured node at {@link #bind}, so a node that never
 * spots shows 0. Labels never carry a callsign: node names are the operator's, bands and modes a
 * fixed vocabulary.
 */
public final class ScraperMetrics {
  static final String UNKNOWN = "unknown";

  private final MeterRegistry registry;
  private final InstantSource clock;
  private final Instant startedAt;
  // band -> mode -> counter: two lookups and no allocation per spot once both are known.
  private final Map<String, Map<String, Counter>> received = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> stored = new ConcurrentHashMap<>();
  // node -> counter, registered at bind for every configured node.
  private final Map<String, Counter> backfillStored = new ConcurrentHashMap<>();
  private final Timer insertTimer;
  private final DistributionSummary batchSize;

  public ScraperMetrics(MeterRegistry registry, InstantSource clock) {
    this.registry = registry;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.insertTimer =
        Timer.builder("dx_scraper_db_insert")
            .description("Time to write and commit one batch of rows")
            // Thirteen buckets for the dashboard's p50 and p99: Micrometer's percentile histogram
            // from 1 ms to 30 s had 69, a sixth of every scrape's series (#11).
            .serviceLevelObjectives(
                Duration.ofMillis(2),
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(25),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofMillis(2500),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30))
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("dx_scraper_db_batch_size")
            .description("Rows per committed batch")
            .serviceLevelObjectives(1, 10, 100, 250, 500, 1000, 2500, 5000)
            .register(registry);
    Gauge.builder("dx_scraper_uptime_seconds", this, m -> m.uptimeSeconds())
        .description("Seconds since the daemon started")
        .strongReference(true)
        .register(registry);
  }

  private double uptimeSeconds() {
    return Duration.between(startedAt, clock.instant()).toMillis() / 1000.0;
  }

  /** Counts each spot as it is received, by band and mode; for the pipeline. */
  public IngestPipeline.SpotListener spotListener() {
    return (SpotRow row) ->
        counter(received, "dx_scraper_spots", row.band(), row.mode()).increment();
  }

  /** Counts stored spots by band and mode and times transactions; for the writer. */
  public SpotWriter.Listener writerListener() {
    return new SpotWriter.Listener() {
      @Override
      public void spotStored(String node, String band, String mode, boolean backfilled) {
        counter(stored, "dx_scraper_spots_stored", band, mode).increment();
        if (backfilled) {
          Counter counter = backfillStored.get(node);
          if (counter != null) {
            counter.increment();
          }
        }
      }

      @Override
      public void batchCommitted(Duration took, int rows) {
        insertTimer.record(took);
        batchSize.record(rows);
      }
    };
  }

  private Counter counter(
      Map<String, Map<String, Counter>> cache, String name, String band, String mode) {
    String b = band == null ? UNKNOWN : band;
    String m = mode == null ? UNKNOWN : mode;
    // get() first: computeIfAbsent with a capturing lambda would allocate on every spot.
    Map<String, Counter> byMode = cache.get(b);
    if (byMode == null) {
      byMode = cache.computeIfAbsent(b, k -> new ConcurrentHashMap<>());
    }
    Counter counter = byMode.get(m);
    if (counter != null) {
      return counter;
    }
    // Bands and modes are a fixed vocabulary (BandPlan, ModeClassifier), so this stays small.
    return byMode.computeIfAbsent(
        m,
        k ->
            Counter.builder(name)
                .description(
                    name.endsWith("stored")
                        ? "Spots inserted into the database, by band and mode"
                        : "Spots received from all nodes, by band and mode")
                .tag("band", b)
                .tag("mode", m)
                .register(registry));
  }

  /** The partition keeper's counters. */
  public void bindPartitions(PartitionKeeper keeper) {
    for (Partitions.Table table : Partitions.Table.values()) {
      // Not "_created": OpenMetrics reserves that suffix for a counter's creation time.
      FunctionCounter.builder("dx_scraper_partitions_added", keeper, k -> k.created(table))
          .description(
              "Partitions this daemon created ahead of time (the writer's own for a row that had none are not counted)")
          .tag("table", table.sqlName())
          .register(registry);
      FunctionCounter.builder("dx_scraper_partitions_dropped", keeper, k -> k.dropped(table))
          .description("Partitions this daemon dropped for retention (--retain)")
          .tag("table", table.sqlName())
          .register(registry);
    }
    functionCounter(
        "dx_scraper_partition_maintenance_failures",
        "Partition maintenance runs (ahead of time, retention) that failed; retried in 5 min",
        keeper,
        PartitionKeeper::failures);
  }

  /**
   * {@code dx_scraper_daemon_info{daemon}}: which daemon this is (--daemon-name), so that a
   * dashboard can put each Prometheus target beside the rows it stored.
   */
  public void bindDaemonName(String daemonName) {
    // An info metric of client_java's own, as dx_scraper_build_info: Micrometer would strip the
    // reserved "_info" suffix.
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      Info.builder()
          .name("dx_scraper_daemon_info")
          .help("Always 1; the label names this daemon (--daemon-name), as stored in rows")
          .labelNames("daemon")
          .register(prometheus.getPrometheusRegistry())
          .setLabelValues(daemonName == null ? "" : daemonName);
    }
  }

  /** Registers every meter that reads the running daemon's state. */
  public void bind(Daemon daemon, IngestWatchdog watchdog) {
    if (daemon.journal() != null) {
      bindJournal(daemon.journal(), daemon.journaledSink());
    }
    WriterStats writer = daemon.writer().stats();
    functionCounter(
        "dx_scraper_duplicates",
        "Spots not stored because they were already",
        writer,
        WriterStats::duplicates);
    FunctionCounter.builder("dx_scraper_spots_filtered", writer, WriterStats::duplicates)
        .description("Spots not stored, by reason")
        .tag("reason", "duplicate")
        .register(registry);
    FunctionCounter.builder("dx_scraper_spots_filtered", writer, WriterStats::rejected)
        .description("Spots not stored, by reason")
        .tag("reason", "rejected")
        .register(registry);
    functionCounter(
        "dx_scraper_db_errors",
        "Failed database writes (each retry counts) and refused rows",
        writer,
        w -> w.failedAttempts() + w.rejected());
    functionCounter(
        "dx_scraper_backpressure_pauses",
        "Times reading from the nodes paused for the backlog",
        writer,
        WriterStats::pauses);
    Gauge.builder("dx_scraper_backlog_spots", daemon.writer(), SpotWriter::backlog)
        .description("Rows received and waiting for the writer")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "dx_scraper_last_commit_timestamp_seconds", writer, w -> epochSeconds(w.lastCommitAt()))
        .description("When the writer last committed, Unix time")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "dx_scraper_writer_failing", daemon.writer(), w -> w.failingSince() != null ? 1 : 0)
        .description("1 from a failed database write until the next commit")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "dx_scraper_writer_gave_up", daemon.writer(), w -> w.batchGivenUp() != null ? 1 : 0)
        .description(
            "1 once the writer gave up on a batch after an unexpected failure, until the next start")
        .strongReference(true)
        .register(registry);
    Gauge.builder("dx_scraper_writer_stalled", watchdog, w -> w.writerStalled() ? 1 : 0)
        .description("1 while rows wait and nothing has committed for the stall timeout")
        .strongReference(true)
        .register(registry);
    Map<String, NodeIngestStats> nodes = daemon.pipeline().nodes();
    // On the daemon, which outlives this call: function counters hold their object weakly, and
    // nodes() is a fresh unmodifiable view each time.
    functionCounter(
        "dx_scraper_wwv",
        "WWV reports received from all nodes",
        daemon,
        d -> d.pipeline().nodes().values().stream().mapToLong(NodeIngestStats::wwvReports).sum());
    functionCounter(
        "dx_scraper_connection_errors",
        "Failed connects, failed logins and sessions closed by the node or network",
        daemon,
        d ->
            d.clusterClient().statuses().values().stream()
                .map(NodeStatus::counters)
                .mapToLong(NodeCounters::connectionErrors)
                .sum());
    for (Map.Entry<String, NodeIngestStats> node : nodes.entrySet()) {
      bindNode(
          node.getKey(), node.getValue(), daemon.clusterClient().status(node.getKey()), watchdog);
    }
  }

  private void bindNode(
      String node, NodeIngestStats stats, NodeStatus status, IngestWatchdog watchdog) {
    FunctionCounter.builder("dx_scraper_lines_received", stats, NodeIngestStats::lines)
        .description("Lines received from a node, parsed or not")
        .tag("node", node)
        .register(registry);
    Gauge.builder("dx_scraper_cluster_connected", status, s -> s.isLoggedIn() ? 1 : 0)
        .description("1 while logged in to the node")
        .tag("node", node)
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "dx_scraper_last_spot_timestamp_seconds", stats, s -> epochSeconds(s.lastSpotAt()))
        .description("When the node's last spot arrived, Unix time (NaN before the first)")
        .tag("node", node)
        .strongReference(true)
        .register(registry);
    Gauge.builder("dx_scraper_stalled", watchdog, w -> w.nodeStalled(node) ? 1 : 0)
        .description(
            "1 from the node's stall (logged in, no live spot for its stall timeout) to its next"
                + " live spot")
        .tag("node", node)
        .strongReference(true)
        .register(registry);
    for (ReconnectReason reason : ReconnectReason.values()) {
      FunctionCounter.builder("dx_scraper_reconnects", status.counters(), c -> c.reconnects(reason))
          .description("Connection attempts after the first, by what ended the previous one")
          .tag("node", node)
          .tag("reason", reason.label())
          .register(registry);
    }
    for (String reason : NodeIngestStats.FAILURE_REASONS) {
      FunctionCounter.builder("dx_scraper_parse_failures", stats, s -> s.unparsed(reason))
          .description("Lines that parsed as no message and are not the node's text, by reason")
          .tag("node", node)
          .tag("reason", reason)
          .register(registry);
    }
    FunctionCounter.builder("dx_scraper_node_text_lines", stats, NodeIngestStats::nodeText)
        .description("The node's own text: banner, motd, prompts, command replies, blank lines")
        .tag("node", node)
        .register(registry);
    FunctionCounter.builder(
            "dx_scraper_overlong_lines", status.counters(), NodeCounters::overlongLinesDiscarded)
        .description("Lines over the length limit, dropped")
        .tag("node", node)
        .register(registry);
    FunctionCounter.builder("dx_scraper_takeovers", status.counters(), NodeCounters::takeovers)
        .description("Sessions lost because another client logged in with the same callsign")
        .tag("node", node)
        .register(registry);
    FunctionCounter.builder("dx_scraper_keepalive_probes", status.counters(), NodeCounters::probes)
        .description("Empty lines sent to a silent connection to see whether it is alive")
        .tag("node", node)
        .register(registry);
    FunctionCounter.builder(
            "dx_scraper_backfill_requests", status.counters(), NodeCounters::backfillRequests)
        .description("sh/dx requests sent after a gap to recover the spots missed")
        .tag("node", node)
        .register(registry);
    FunctionCounter.builder("dx_scraper_backfill_spots", stats, NodeIngestStats::backfillSpots)
        .description("Spots received in history answers to those requests, new or not")
        .tag("node", node)
        .register(registry);
    backfillStored.put(
        node,
        Counter.builder("dx_scraper_backfill_stored")
            .description("Spots recovered by backfill: history spots that were new rows")
            .tag("node", node)
            .register(registry));
  }

  private void bindJournal(Journal journal, JournaledSink sink) {
    Gauge.builder("dx_scraper_journal_bytes", journal, Journal::bytes)
        .description("Size of the journal's segment files")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder("dx_scraper_journal_segments", journal, Journal::segments)
        .description("Journal segment files on disk")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "dx_scraper_journal_checkpoint_lag_lines",
            journal,
            j -> j.writtenSeq() - j.checkpointSeq())
        .description("Lines journalled and not yet known to be stored: what a restart would replay")
        .strongReference(true)
        .register(registry);
    functionCounter(
        "dx_scraper_journal_appended",
        "Lines written to the journal by this run",
        journal,
        Journal::appended);
    functionCounter(
        "dx_scraper_journal_replayed",
        "Lines of earlier runs replayed from the journal by this run",
        sink,
        JournaledSink::replayed);
    functionCounter(
        "dx_scraper_journal_torn_bytes",
        "Bytes found damaged in the journal at start (a torn tail or corruption), not replayed",
        journal,
        Journal::tornBytes);
    for (boolean noSpace : new boolean[] {true, false}) {
      FunctionCounter.builder(
              "dx_scraper_journal_write_errors", journal, j -> j.writeErrors(noSpace))
          .description("Failed journal writes, by reason; the lines are held and retried")
          .tag("reason", noSpace ? "no-space" : "io")
          .register(registry);
    }
    functionCounter(
        "dx_scraper_journal_sync_errors", "Failed journal fsyncs", journal, Journal::syncErrors);
    functionCounter(
        "dx_scraper_journal_fsyncs",
        "Journal fsyncs: rounds that found lines the database had not yet stored, and full segments",
        journal,
        Journal::fsyncs);
    for (String reason : List.of(Journal.MAX_SIZE, Journal.DISK_FREE, Journal.WRITE_FAILED)) {
      Gauge.builder("dx_scraper_journal_paused", journal, j -> j.paused(reason) ? 1 : 0)
          .description("1 while the journal holds reading from the nodes, by reason")
          .tag("reason", reason)
          .strongReference(true)
          .register(registry);
    }
  }

  private <T> void functionCounter(
      String name, String description, T object, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, object, value).description(description).register(registry);
  }

  private static double epochSeconds(Instant instant) {
    return instant == null ? Double.NaN : instant.toEpochMilli() / 1000.0;
  }
}
