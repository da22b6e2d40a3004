package org.dxscraper.scraper.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.enrich.CtyDat;
import org.dxscraper.scraper.ingest.Daemon;
import org.dxscraper.scraper.metrics.Instrumentation;
import org.dxscraper.scraper.metrics.ScraperMetrics;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.DatabaseConfig;
import org.dxscraper.scraper.store.EntityPositionWriter;
import org.dxscraper.scraper.store.Journal;
import org.dxscraper.scraper.store.Migrations;
import org.dxscraper.scraper.store.PartitionKeeper;
import org.dxscraper.scraper.store.SpotWriter;
import org.dxscraper.scraper.watch.IngestWatchdog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon as one unit, the one owner of its start and its stop. {@link #start} opens the
 * database, migrates it, and starts the daemon (journal, writer, node clients), the metrics and
 * health server and the watchdog, in that order; stopping closes them in the reverse order, each in
 * its own {@code finally}, so that no part that fails to close keeps another, above all the
 * embedded PostgreSQL, running.
 *
 * <p>The shutdown hook is in place from the moment the database is open: a SIGTERM during start-up
 * stops what has started, and a start-up failure stops it before the failure is reported (an
 * orphaned postmaster would hold {@code --data-dir} until the next start cleared it).
 */
final class ScraperService {
  private static final Logger log = LoggerFactory.getLogger(ScraperService.class);

  /** Everything {@code run} was told, checked. */
  record Config(
      DatabaseConfig database,
      List<NodeConfig> nodes,
      ConnectionPolicy policy,
      SpotWriter.Settings writer,
      Journal.Settings journal,
      CtyDat cty,
      Instrumentation.Settings instrumentation,
      Duration stallTimeout,
      Duration statusEvery,
      Duration retain) {}

  private final Database db;
  // Set as each part starts; the shutdown hook reads them from another thread.
  private volatile Daemon daemon;
  private volatile Instrumentation instrumentation;
  private volatile IngestWatchdog watchdog;
  private volatile PartitionKeeper partitions;

  private ScraperService(Database db) {
    this.db = db;
  }

  /**
   * Starts everything {@code config} describes and installs the shutdown hook that stops it.
   *
   * @throws StartupException for a failure the operator can act on, after stopping what started
   */
  static ScraperService start(Config config) {
    Database db = Database.open(config.database());
    ScraperService service = new ScraperService(db);
    Thread hook = new Thread(service::stopOnSignal, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      service.startParts(config);
    } catch (RuntimeException | Error e) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        throw e; // a signal came in: the hook is stopping everything
      }
      service.stopAfterFailedStart();
      throw e;
    }
    return service;
  }

  private void startParts(Config config) {
    log.info("{}: {}", db, Migrations.migrate(db.dataSource()).summary());
    InstantSource clock = InstantSource.system();
    if (config.cty() != null) {
      int written = EntityPositionWriter.store(db.dsl(), config.cty().positions(), clock.instant());
      if (written >= 0) {
        log.info("dxcc_entity: {} entities added or changed from cty.dat", written);
      }
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScraperMetrics metrics = new ScraperMetrics(registry, clock);
    // Partitions ahead (and retention) on a thread of their own, from now on: the writer creates
    // one a row needs by itself, so nothing waits for the first run.
    PartitionKeeper keeper = new PartitionKeeper(db.dsl(), clock, config.retain());
    partitions = keeper.start();
    metrics.bindPartitions(keeper);
    metrics.bindDaemonName(config.writer().daemonName());
    Daemon built;
    try {
      built =
          new Daemon(
              config.nodes(),
              db,
              config.cty(),
              config.writer(),
              clock,
              config.policy(),
              RandomGenerator.getDefault(),
              metrics.writerListener(),
              config.journal());
    } catch (UncheckedIOException e) {
      throw new StartupException(e.getMessage(), e);
    }
    built.pipeline().setSpotListener(metrics.spotListener());
    IngestWatchdog dog = new IngestWatchdog(built, config.stallTimeout(), clock);
    metrics.bind(built, dog);
    try {
      instrumentation = Instrumentation.start(registry, built, db, dog, config.instrumentation());
    } catch (IOException e) {
      throw new StartupException(listenFailure(config.instrumentation().listen(), e), e);
    }
    daemon = built.start(config.statusEvery());
    dog.start();
    watchdog = dog;
  }

  /** One line: an address in use is the usual case, and the fix is on this machine. */
  private static String listenFailure(InetSocketAddress listen, IOException e) {
    String where = "--metrics-listen " + listen.getHostString() + ":" + listen.getPort();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return where
            + ": address already in use; stop what listens there, or choose another HOST:PORT"
            + " (port 0 picks a free one)";
      }
    }
    return where + ": " + e.getMessage();
  }

  /**
   * The shutdown hook (SIGTERM, SIGINT): stops reading, stores what it can and ends the process
   * with 0, which service managers take as a clean stop (the JVM's own exit status after a signal
   * would be 143); 1 when rows were lost or the stop failed.
   */
  private void stopOnSignal() {
    int status = 0;
    Daemon running = daemon;
    try {
      log.info("signal received: stopping");
      stopAll();
    } catch (RuntimeException | Error e) {
      log.error("shutdown failed", e);
      status = 1;
    }
    if (running != null && running.rowsNotStored() > 0) {
      status = 1; // rows were lost: a service manager should see a failed stop
    }
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }

  /** After a start-up failure: best effort, so that the failure itself is what is reported. */
  private void stopAfterFailedStart() {
    try {
      stopAll();
    } catch (RuntimeException e) {
      log.warn("stopping after the failed start failed too: {}", e.toString());
    }
  }

  /** Reverse order of the start; each part in its own finally. */
  private void stopAll() {
    try {
      IngestWatchdog w = watchdog;
      if (w != null) {
        w.close();
      }
      PartitionKeeper p = partitions;
      if (p != null) {
        p.close();
      }
    } finally {
      try {
        Daemon d = daemon;
        if (d != null) {
          d.close();
        }
      } finally {
        try {
          Instrumentation i = instrumentation;
          if (i != null) {
            i.close();
          }
        } finally {
          db.close();
        }
      }
    }
  }
}
