package org.dxscraper.scraper.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.dxscraper.instrumentation.container.ContainerMetrics;
import org.dxscraper.instrumentation.container.ContainerSettings;
import org.dxscraper.instrumentation.container.DockerHost;
import org.dxscraper.instrumentation.db.PostgresMetrics;
import org.dxscraper.instrumentation.host.HostMetrics;
import org.dxscraper.instrumentation.host.HostMetricsConfig;
import org.dxscraper.instrumentation.host.HostPaths;
import org.dxscraper.instrumentation.host.ProcessMetrics;
import org.dxscraper.instrumentation.http.MetricsServer;
import org.dxscraper.instrumentation.probe.ProbeMetrics;
import org.dxscraper.instrumentation.probe.ProbeSettings;
import org.dxscraper.instrumentation.probe.ProbeTarget;
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
  private final ScheduledExecutorService databaseSampler;
  private final JvmGcMetrics gcMetrics;
  private final MetricsServer server;
  private final PostgresMetrics database;
  private final HostMetrics host;
  private final ProbeMetrics probes;
  private final ContainerMetrics containers;

  private Instrumentation(
      ScheduledExecutorService samplers,
      ScheduledExecutorService databaseSampler,
      JvmGcMetrics gcMetrics,
      PostgresMetrics database,
      HostMetrics host,
      ProbeMetrics probes,
      ContainerMetrics containers,
      MetricsServer server) {
    this.samplers = samplers;
    this.databaseSampler = databaseSampler;
    this.host = host;
    this.probes = probes;
    this.containers = containers;
    this.gcMetrics = gcMetrics;
    this.database = database;
    this.server = server;
  }

  /**
   * What to serve and what to watch besides the daemon.
   *
   * @param listen where /metrics and /health are served
   * @param version the build's version, for dx_scraper_build_info
   * @param probes ports and URLs to probe (blackbox_exporter's metrics); may be empty
   * @param dockerHost the Docker Engine API for container metrics, or null for none
   */
  public record Settings(
      InetSocketAddress listen,
      String version,
      List<ProbeTarget> probes,
      DockerHost dockerHost,
      HostPaths hostPaths) {
    public Settings {
      Objects.requireNonNull(listen, "listen");
      Objects.requireNonNull(version, "version");
      probes = List.copyOf(probes);
      Objects.requireNonNull(hostPaths, "hostPaths");
    }

    /** Host metrics of the machine this runs on. */
    public Settings(
        InetSocketAddress listen, String version, List<ProbeTarget> probes, DockerHost dockerHost) {
      this(listen, version, probes, dockerHost, HostPaths.DEFAULT);
    }
  }

  /**
   * Binds the meters, starts the samplers and serves on {@code settings.listen()}.
   *
   * @throws IOException when the address cannot be bound
   */
  public static Instrumentation start(
      PrometheusMeterRegistry registry,
      Daemon daemon,
      Database db,
      IngestWatchdog watchdog,
      Settings settings)
      throws IOException {
    InetSocketAddress listen = settings.listen();
    String version = settings.version();
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
    new UptimeMetrics().bindTo(registry);
    db.bindMetrics(registry);
    ScheduledExecutorService samplers = daemonThread("metrics-sampler");
    HostMetricsConfig hostConfig = HostMetricsConfig.defaults().withPaths(settings.hostPaths());
    // Micrometer's ProcessorMetrics and FileDescriptorMetrics, sampled with the host's figures
    // instead of read at every scrape.
    ProcessMetrics.start(registry, samplers, hostConfig.interval());
    // A thread of its own: a database that does not answer holds each sample up to the pool's
    // timeout, and host metrics must keep flowing exactly then.
    ScheduledExecutorService databaseSampler = daemonThread("database-sampler");
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
            // Each partition's indexes lead with spotted_at: one probe per partition.
            .addQueryGauge(
                "dx_scraper_db_oldest_spot_timestamp_seconds",
                "spotted_at of the oldest stored spot, Unix time: how far back the archive goes",
                "select extract(epoch from min(spotted_at)) from spot")
            .addQueryGauge(
                "dx_scraper_db_spot_partitions",
                "Partitions of the spot table (one a week, plus the converted table's first)",
                "select count(*) from pg_inherits where inhparent = to_regclass('spot')")
            .addGrowthGauge(
                "dx_scraper_db_growth_bytes_per_day",
                "How fast the database grows, bytes per day over the last day (a retention drop"
                    + " counts as no growth); NaN during the first hour")
            .start(databaseSampler, DATABASE_SAMPLE_EVERY);
    // node_exporter's names, from /proc, /sys and statvfs on Linux (OSHI elsewhere).
    HostMetrics host = HostMetrics.start(registry, samplers, hostConfig);
    // blackbox_exporter's names; the probes themselves run on their own threads.
    ProbeMetrics probes = new ProbeMetrics(settings.probes(), ProbeSettings.defaults());
    probes.bindTo(registry);
    probes.start(samplers);
    ContainerMetrics containers = null;
    if (settings.dockerHost() != null) {
      containers = new ContainerMetrics(settings.dockerHost(), ContainerSettings.defaults());
      containers.bindTo(registry);
      containers.start(samplers);
    }
    try {
      MetricsServer server =
          MetricsServer.start(listen, registry, new DaemonHealth(daemon, watchdog, database::up));
      return new Instrumentation(
          samplers, databaseSampler, gc, database, host, probes, containers, server);
    } catch (IOException e) {
      probes.close();
      if (containers != null) {
        containers.close();
      }
      host.close();
      samplers.shutdownNow();
      databaseSampler.shutdownNow();
      gc.close();
      throw e;
    }
  }

  private static ScheduledExecutorService daemonThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name(name).daemon().factory());
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
    probes.close();
    if (containers != null) {
      containers.close();
    }
    host.close();
    samplers.shutdownNow();
    databaseSampler.shutdownNow();
    try {
      samplers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    gcMetrics.close();
  }
}
