package org.dxscraper.instrumentation.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database metrics under postgres_exporter's names, sampled on a schedule so that a scrape never
 * waits on the database: {@code pg_up} and {@code pg_database_size_bytes{datname}}, plus gauges the
 * caller defines by a one-value query ({@link #addQueryGauge}).
 *
 * <p>Samples run on the given scheduler's thread; gauges read the last sample. A failed sample sets
 * {@code pg_up} to 0 and leaves the query gauges at their last values; it is logged once per change
 * between up and down, not at every interval.
 */
public final class PostgresMetrics {
  private static final Logger log = LoggerFactory.getLogger(PostgresMetrics.class);
  private static final int QUERY_TIMEOUT_SECONDS = 5;

  private final DataSource dataSource;
  private final MeterRegistry registry;
  private final List<QueryGauge> queries = new ArrayList<>();
  private volatile double up = Double.NaN;
  private volatile String datname;
  private volatile double databaseSize = Double.NaN;
  // Sampling thread only; the gauge reads the volatile result.
  private final GrowthRate growth = new GrowthRate();
  private volatile double growthPerDay = Double.NaN;
  private boolean sizeRegistered;

  private static final class QueryGauge {
    final String sql;
    volatile double value = Double.NaN;

    QueryGauge(String sql) {
      this.sql = sql;
    }
  }

  public PostgresMetrics(DataSource dataSource, MeterRegistry registry) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.registry = Objects.requireNonNull(registry, "registry");
    Gauge.builder("pg_up", this, m -> m.up)
        .description("Whether the last query to PostgreSQL succeeded (1) or not (0)")
        .strongReference(true)
        .register(registry);
  }

  /**
   * A gauge whose value is the single number {@code sql} returns (null reads as NaN), sampled with
   * the rest. The query must be cheap: it runs every interval.
   */
  public PostgresMetrics addQueryGauge(String name, String description, String sql) {
    QueryGauge query = new QueryGauge(sql);
    queries.add(query);
    Gauge.builder(name, query, q -> q.value)
        .description(description)
        .strongReference(true)
        .register(registry);
    return this;
  }

  /**
   * A gauge of how fast the database grows, bytes per day over the last day of samples of its size
   * ({@link GrowthRate}: drops count as none); NaN for the first hour.
   */
  public PostgresMetrics addGrowthGauge(String name, String description) {
    Gauge.builder(name, this, m -> m.growthPerDay)
        .description(description)
        .strongReference(true)
        .register(registry);
    return this;
  }

  /** Samples now and then every {@code interval} on {@code scheduler}. */
  public PostgresMetrics start(ScheduledExecutorService scheduler, Duration interval) {
    scheduler.scheduleWithFixedDelay(this::sample, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    return this;
  }

  /** Takes one sample; on the scheduler's thread, or directly in tests. */
  public void sample() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      try (ResultSet rs =
          s.executeQuery("select current_database(), pg_database_size(current_database())")) {
        rs.next();
        datname = rs.getString(1);
        databaseSize = rs.getLong(2);
      }
      growth.record(System.nanoTime(), databaseSize);
      growthPerDay = growth.perDay();
      for (QueryGauge query : queries) {
        try (ResultSet rs = s.executeQuery(query.sql)) {
          double value = Double.NaN;
          if (rs.next()) {
            value = rs.getDouble(1);
            if (rs.wasNull()) {
              value = Double.NaN;
            }
          }
          query.value = value;
        }
      }
      registerSizeOnce();
      if (up != 1) {
        log.info("database metrics: PostgreSQL answers (database {})", datname);
      }
      up = 1;
    } catch (SQLException | RuntimeException e) {
      if (up != 0) {
        log.warn("database metrics: PostgreSQL does not answer: {}", e.getMessage());
      }
      up = 0;
    }
  }

  private synchronized void registerSizeOnce() {
    if (sizeRegistered) {
      return;
    }
    sizeRegistered = true;
    Gauge.builder("pg_database_size_bytes", this, m -> m.databaseSize)
        .description("Disk space used by the database")
        .tag("datname", datname)
        .strongReference(true)
        .register(registry);
  }

  /** 1 after a successful sample, 0 after a failed one, NaN before the first. */
  public double up() {
    return up;
  }
}
