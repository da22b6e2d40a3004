package org.dxscraper.scraper.ingest;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.cluster.ClusterClient;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.cluster.NodeStatus;
import org.dxscraper.scraper.enrich.CtyDat;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.SpotWriter;
import org.dxscraper.scraper.store.WriterStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running ingest: node clients, pipeline and writer, wired together, plus a status line every
 * minute. {@link #close()} stops reading first, then stores what was received, so that a shutdown
 * loses nothing that arrived before it.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  private final SpotWriter writer;
  private final IngestPipeline pipeline;
  private final ClusterClient client;
  private final ScheduledExecutorService status;
  private final Map<String, Long> spotsAtLastStatus = new HashMap<>();
  private long storedAtLastStatus;
  private volatile Predicate<String> stalled = node -> false;

  /**
   * @param cty for DXCC columns; null leaves them empty
   * @param policy keepalive, reconnect waits and backfill of the node connections
   * @param random jitter for the reconnect waits
   * @param listener hears what the writer commits (metrics, benchmarks)
   */
  public Daemon(
      List<NodeConfig> nodes,
      Database database,
      CtyDat cty,
      SpotWriter.Settings settings,
      InstantSource clock,
      ConnectionPolicy policy,
      RandomGenerator random,
      SpotWriter.Listener listener) {
    Objects.requireNonNull(database, "database");
    this.writer =
        new SpotWriter(
            database.dsl(),
            settings,
            clock,
            new SpotWriter.Backpressure() {
              @Override
              public void pause() {
                client().setReading(false);
              }

              @Override
              public void resume() {
                client().setReading(true);
              }
            },
            listener);
    this.pipeline =
        new IngestPipeline(
            nodes.stream().map(NodeConfig::name).toList(), new Enricher(cty), writer);
    this.client = new ClusterClient(nodes, pipeline, clock, policy, random);
    this.status =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "status-line");
              t.setDaemon(true);
              return t;
            });
  }

  private ClusterClient client() {
    return client;
  }

  /** Lets the status line say which nodes a watchdog finds stalled. */
  public void showStalls(Predicate<String> stalledNodes) {
    stalled = Objects.requireNonNull(stalledNodes, "stalledNodes");
  }

  public Daemon start(Duration statusEvery) {
    writer.start();
    client.start();
    status.scheduleAtFixedRate(
        () -> log.info("status: {}", statusLine(statusEvery)),
        statusEvery.toNanos(),
        statusEvery.toNanos(),
        TimeUnit.NANOSECONDS);
    return this;
  }

  /**
   * Per node: state, software and spots per minute since the last status line; then what the writer
   * stored, the duplicates and the backlog.
   */
  synchronized String statusLine(Duration since) {
    StringBuilder line = new StringBuilder();
    double minutes = Math.max(since.toMillis(), 1) / 60_000.0;
    for (Map.Entry<String, NodeIngestStats> node : pipeline.nodes().entrySet()) {
      NodeStatus state = client.status(node.getKey());
      long spots = node.getValue().spots();
      long previous = spotsAtLastStatus.getOrDefault(node.getKey(), 0L);
      spotsAtLastStatus.put(node.getKey(), spots);
      line.append(node.getKey())
          .append(' ')
          .append(state.state())
          .append(stalled.test(node.getKey()) ? " STALLED " : " ")
          .append(state.software())
          .append(' ')
          .append(Math.round((spots - previous) / minutes))
          .append(" spots/min; ");
    }
    WriterStats stats = writer.stats();
    long stored = stats.spotsStored();
    line.append("stored ")
        .append(stored)
        .append(" (+")
        .append(stored - storedAtLastStatus)
        .append("), duplicates ")
        .append(stats.duplicates())
        .append(", backlog ")
        .append(writer.backlog());
    if (stats.rejected() > 0) {
      line.append(", rejected ").append(stats.rejected());
    }
    storedAtLastStatus = stored;
    return line.toString();
  }

  public IngestPipeline pipeline() {
    return pipeline;
  }

  public SpotWriter writer() {
    return writer;
  }

  public ClusterClient clusterClient() {
    return client;
  }

  /** Rows received that were not stored and never will be: lost at shutdown or to a failure. */
  public long rowsNotStored() {
    return writer.backlog() + writer.stats().givenUp();
  }

  /** Spot lines received from every node so far. */
  public long spotsReceived() {
    return pipeline.nodes().values().stream().mapToLong(NodeIngestStats::spots).sum();
  }

  @Override
  public void close() {
    status.shutdownNow();
    client.close();
    writer.close();
    WriterStats stats = writer.stats();
    log.info(
        "stopped: received {} spots, stored {}, duplicates {}, rejected {}, not stored {};"
            + " solar reports {}, announcements {}",
        spotsReceived(),
        stats.spotsStored(),
        stats.duplicates(),
        stats.rejected(),
        rowsNotStored(),
        stats.solarStored(),
        stats.announcementsStored());
  }
}
