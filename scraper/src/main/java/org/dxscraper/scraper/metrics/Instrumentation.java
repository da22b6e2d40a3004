package org.dxscraper.scraper.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.dxscraper.instrumentation.db.PostgresMetrics;
import org.dxscraper.instrumentation.host.HostMetrics;
import org.dxscraper.instrumentation.http.MetricsServer;
import org.dxscraper.scraper.ingest.Daemon;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.watch.DaemonHealth;
import org.dxscraper.scraper.watch.IngestWatchdog;

/**
 * Everything the daemon exports besides its own scraper meters: JVM and process metrics, the host's
 * (node_exporter's names) and the database's, the samplers that feed them, and the HTTP server for
 * {@code /metrics} and {@code /health}. Samplers run on their own thread, so a scrape only reads
 * cached values.
 */
public final class Instrumentation implements AutoCloseable {
  /** How often the database is asked for its size, row count and newest spot. */
  public static final Duration DATABASE_SAMPLE_EVERY = Duration.ofSeconds(15);

  private final ScheduledExecutorService samplers;
  private final JvmGcMetrics gcMetrics;
  private final MetricsServer server;
  private final PostgresMetrics database;
  private final HostMetrics host;

  private Instrumentation(
      ScheduledExecutorService samplers,
      JvmGcMetrics gcMetrics,
      PostgresMetrics database,
      HostMetrics host,
      MetricsServer server) {
    this.samplers = samplers;
    this.host = host;
    this.gcMetrics = gcMetrics;
    this.database = database;
    this.server = server;
  }

  /**
   * Binds the meters and starts serving on {@code listen}.
   *
   * @throws IOException when {@code listen} cannot be bound
   */
  public static Instrumentation start(
      PrometheusMeterRegistry registry,
      Daemon daemon,
      Database db,
      IngestWatchdog watchdog,
      InetSocketAddress listen,
      String version)
      throws IOException {
    // An info metric of client_java's own: Micrometer would strip the reserved "_info" suffix.
    Info.builder()
        .name("dx_scraper_build_info")
        .help("Always 1; the version is in the label")
        .labelNames("version")
        .register(registry.getPrometheusRegistry())
        .setLabelValues(version);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    db.bindMetrics(registry);
    ScheduledExecutorService samplers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-sampler");
              t.setDaemon(true);
              return t;
            });
    PostgresMetrics database =
        new PostgresMetrics(db.dataSource(), registry)
            // n_live_tup is kept by PostgreSQL's statistics: no count(*) over millions of rows.
            .addQueryGauge(
                "dx_scraper_db_spots",
                "Rows in the spot table (PostgreSQL's live-row statistic, all writers)",
                "select n_live_tup from pg_stat_user_tables where relname = 'spot'")
            // The unique key leads with spotted_at, so max() is one index probe.
            .addQueryGauge(
                "dx_scraper_db_newest_spot_timestamp_seconds",
                "spotted_at of the newest stored spot, Unix time",
                "select extract(epoch from max(spotted_at)) from spot")
            .start(samplers, DATABASE_SAMPLE_EVERY);
    // node_exporter's names, from /proc, /sys and statvfs on Linux (OSHI elsewhere).
    HostMetrics host = HostMetrics.start(registry, samplers);
    try {
      MetricsServer server =
          MetricsServer.start(listen, registry, new DaemonHealth(daemon, watchdog, database::up));
      return new Instrumentation(samplers, gc, database, host, server);
    } catch (IOException e) {
      host.close();
      samplers.shutdownNow();
      gc.close();
      throw e;
    }
  }

  public int port() {
    return server.port();
  }

  public PostgresMetrics database() {
    return database;
  }

  @Override
  public void close() {
    server.close();
    host.close();
    samplers.shutdownNow();
    try {
      samplers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    gcMetrics.close();
  }
}
