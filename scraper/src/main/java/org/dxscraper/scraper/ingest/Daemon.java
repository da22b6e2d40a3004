package org.dxscraper.scraper.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.dxscraper.scraper.store.Journal;
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
  private final Journal journal;
  private final JournaledSink journaled;
  private final ReadingGate gate;
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
   * @param journalSettings where and how to journal every line before it is parsed; null runs
   *     without a journal (what a crash or a long outage then loses is only what waits in memory)
   * @throws UncheckedIOException when the journal cannot be opened
   */
  public Daemon(
      List<NodeConfig> nodes,
      Database database,
      CtyDat cty,
      SpotWriter.Settings settings,
      InstantSource clock,
      ConnectionPolicy policy,
      RandomGenerator random,
      SpotWriter.Listener listener,
      Journal.Settings journalSettings) {
    Objects.requireNonNull(database, "database");
    this.gate = new ReadingGate(reading -> client().setReading(reading));
    // With a journal, a writer that falls behind is met by keeping new lines in the journal only
    // (JournaledSink), not by pausing the nodes: the outage is bounded by disk, not memory.
    this.journal = journalSettings == null ? null : openJournal(journalSettings, clock, gate);
    this.writer =
        new SpotWriter(
            database.dsl(),
            settings,
            clock,
            journal != null
                ? SpotWriter.Backpressure.NONE
                : new SpotWriter.Backpressure() {
                  @Override
                  public void pause() {
                    gate.pause(BACKLOG);
                  }

                  @Override
                  public void resume() {
                    gate.resume(BACKLOG);
                  }
                },
            listener);
    this.pipeline =
        new IngestPipeline(
            nodes.stream().map(NodeConfig::name).toList(), new Enricher(cty), writer);
    if (journal != null) {
      writer.checkpointTo(journal);
      this.journaled =
          new JournaledSink(
              journal, pipeline, writer, settings.highWater(), settings.lowWater(), random);
    } else {
      this.journaled = null;
    }
    this.client =
        new ClusterClient(nodes, journaled != null ? journaled : pipeline, clock, policy, random);
    this.status =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("status-line").daemon().factory());
  }

  private static Journal openJournal(
      Journal.Settings settings, InstantSource clock, Journal.Listener listener) {
    try {
      return Journal.open(settings, clock, listener);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the journal in " + settings.dir() + ": " + e.getMessage(), e);
    }
  }

  /** The writer's reason to pause reading, without a journal. */
  static final String BACKLOG = "backlog";

  private ClusterClient client() {
    return client;
  }

  /** Lets the status line say which nodes a watchdog finds stalled. */
  public void showStalls(Predicate<String> stalledNodes) {
    stalled = Objects.requireNonNull(stalledNodes, "stalledNodes");
  }

  public Daemon start(Duration statusEvery) {
    writer.start();
    if (journaled != null) {
      journaled.start(client.eventLoop());
    }
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
    if (journal != null) {
      line.append(", journal ")
          .append(journal.writtenSeq() - journal.checkpointSeq())
          .append(" lines not yet checkpointed");
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

  /**
   * Rows received that were not stored and never will be: lost at shutdown or to a failure. With a
   * journal the backlog is not lost: it is stored at the next start.
   */
  public long rowsNotStored() {
    return (journal != null ? 0 : writer.backlog()) + writer.stats().givenUp();
  }

  /** The journal, or null when running without one. */
  public Journal journal() {
    return journal;
  }

  /** The journal's side of the pipeline, or null when running without one. */
  public JournaledSink journaledSink() {
    return journaled;
  }

  /** Why reading from the nodes is paused; empty while it runs. */
  public java.util.Set<String> readingPausedFor() {
    return gate.reasons();
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
    if (journal != null) {
      journal.close();
    }
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
