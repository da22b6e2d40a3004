package org.dxscraper.scraper.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the daemon writes to: a server named by URL, or an embedded one whose data lives
 * under a directory and survives restarts. Opening checks that a connection can be made, so that a
 * wrong URL fails at start-up with one clear line instead of at the first batch.
 *
 * <p>An embedded server left running by a run that ended without closing it ({@code kill -9}) is
 * stopped before the new one starts: see {@link OrphanedPostmaster}.
 *
 * <p>Thread-safe once open. {@link #close()} closes the pool and stops the embedded server.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** The database, inside the embedded server, that holds the daemon's tables. */
  public static final String EMBEDDED_DATABASE = "dx_scraper";

  private static final String EMBEDDED_USER = "postgres";
  // The writer's threads (SpotWriter.DEFAULT_THREADS), the partition keeper, the database sampler
  // and /health, none waiting for another's connection.
  private static final int POOL_SIZE = 5;
  // initdb plus the first start on a slow disk can take several times the usual 2-3 s.
  private static final Duration EMBEDDED_STARTUP_WAIT = Duration.ofSeconds(120);

  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Database(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
    this.embedded = embedded;
    this.pool = pool;
    this.description = description;
  }

  /**
   * Opens the database {@code config} names, starting the embedded server first where it names
   * none.
   *
   * @throws DatabaseUnavailableException with a one-line message when it cannot be reached
   */
  public static Database open(DatabaseConfig config) {
    return config.embedded() ? openEmbedded(config) : openServer(config);
  }

  private static Database openServer(DatabaseConfig config) {
    probe(config, config.url(), config.user(), config.password());
    HikariDataSource pool = pool(config, config.url(), config.user(), config.password());
    log.info("Database: {}", config);
    return new Database(null, pool, config.toString());
  }

  private static Database openEmbedded(DatabaseConfig config) {
    Path dir = config.embeddedDir();
    boolean fresh = !Files.exists(dir.resolve("PG_VERSION"));
    requireUsableDataDir(config.dataDir().toAbsolutePath().normalize(), dir, fresh);
    if (!fresh) {
      OrphanedPostmaster.stopBeforeStart(dir);
    }
    requireFreePort(config.embeddedPort());
    long started = System.nanoTime();
    // Wall-clock, as the kernel's process start times are: tells our postmaster from older ones.
    Instant attemptStarted = Instant.now();
    EmbeddedBinaries binaries = EmbeddedBinaries.forThisMachine();
    Path binariesHome = EmbeddedBinaries.defaultWorkingDirectory();
    try {
      binaries.prepare(binariesHome);
    } catch (IOException | RuntimeException e) {
      throw new DatabaseUnavailableException(
          "cannot prepare the embedded PostgreSQL's binaries in "
              + binariesHome
              + " (about 60 MB, under java.io.tmpdir): "
              + firstLine(e)
              + ". Or use --db-url for a PostgreSQL server.",
          e);
    }
    EmbeddedPostgres server;
    try {
      server =
          EmbeddedPostgres.builder()
              .setPgBinaryResolver(binaries)
              .setOverrideWorkingDirectory(binariesHome.toFile())
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(config.embeddedPort())
              .setPGStartupWait(EMBEDDED_STARTUP_WAIT)
              // The library's own shutdown hook would stop PostgreSQL while the daemon's hook
              // still stores what it received: close() stops it, after the writer has drained.
              .setRegisterShutdownHook(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              // The library's defaults are for throw-away test databases: synchronous_commit=off
              // may lose the last commits in a crash. A committed spot must stay committed.
              .setServerConfig("synchronous_commit", "on")
              // And it starts the server with -F, fsync off: a power loss could then corrupt the
              // whole database, not only lose its last commits. A later -c wins over -F.
              .setServerConfig("fsync", "on")
              .setServerConfig("max_connections", "40")
              .start();
    } catch (IOException | RuntimeException e) {
      // The library gives up waiting but leaves a postmaster that came up late running. Unless
      // its lock failed: then the postmaster belongs to the dx-scraper that holds the lock.
      if (!String.valueOf(e.getMessage()).startsWith("could not lock")) {
        OrphanedPostmaster.stopIfStartedSince(dir, attemptStarted);
      }
      throw new DatabaseUnavailableException(
          "cannot start the embedded PostgreSQL under "
              + dir
              + ": "
              + firstLine(e)
              + ". Is another dx-scraper using this --data-dir? Choose another --data-dir, or"
              + " use --db-url for a PostgreSQL server.",
          e);
    }
    try {
      createDatabaseIfMissing(server);
      String url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + EMBEDDED_DATABASE;
      HikariDataSource pool = pool(config, url, EMBEDDED_USER, null);
      log.info(
          "Embedded PostgreSQL {} at {} (user {}, data {}) in {} ms",
          fresh ? "created" : "started",
          url,
          EMBEDDED_USER,
          dir,
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      return new Database(server, pool, "embedded PostgreSQL under " + dir);
    } catch (RuntimeException e) {
      closeQuietly(server);
      throw e;
    }
  }

  /**
   * A new embedded server goes into an empty directory, and {@code --data-dir} holds nothing but
   * dx-scraper's own {@code postgres/} and {@code journal/}: pointing it at a directory of other
   * files (a home directory, a typo) is refused rather than filled.
   */
  private static void requireUsableDataDir(Path dataDir, Path dir, boolean fresh) {
    if (!fresh) {
      return;
    }
    try {
      if (Files.isDirectory(dataDir)) {
        try (Stream<Path> entries = Files.list(dataDir)) {
          List<String> foreign =
              entries
                  .map(p -> p.getFileName().toString())
                  .filter(name -> !name.equals(dir.getFileName().toString()))
                  .filter(name -> !name.equals("journal"))
                  .sorted()
                  .limit(3)
                  .toList();
          if (!foreign.isEmpty()) {
            throw new DatabaseUnavailableException(
                "--data-dir "
                    + dataDir
                    + " is not empty and holds no dx-scraper data (found "
                    + String.join(", ", foreign)
                    + "; expected only postgres/ and journal/, or PostgreSQL's own files):"
                    + " choose an empty or new directory",
                null);
          }
        }
      }
      if (Files.isDirectory(dir)) {
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw new DatabaseUnavailableException(
                dir + " is not empty and holds no PostgreSQL data (no PG_VERSION)", null);
          }
        }
      }
    } catch (IOException e) {
      throw new DatabaseUnavailableException(
          "cannot read --data-dir " + dataDir + ": " + firstLine(e), e);
    }
  }

  /**
   * A pinned port that is taken would make the library wait its whole start-up time for a server
   * that cannot listen; say so at once instead.
   */
  private static void requireFreePort(int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      // PostgreSQL sets SO_REUSEADDR too, so a port in TIME_WAIT is no obstacle to either.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new DatabaseUnavailableException(
          "--embedded-db-port "
              + port
              + " on 127.0.0.1 is in use ("
              + firstLine(e)
              + "): choose another port, or 0 for a free one",
          e);
    }
  }

  private static void createDatabaseIfMissing(EmbeddedPostgres server) {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select 1 from pg_database where datname = '" + EMBEDDED_DATABASE + "'")) {
      if (!rs.next()) {
        s.execute("create database " + EMBEDDED_DATABASE);
      }
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(
          "embedded PostgreSQL started but database "
              + EMBEDDED_DATABASE
              + " could not be created: "
              + firstLine(e),
          e);
    }
  }

  /**
   * One connection attempt outside the pool, so that failure is one clear line, not a retry loop.
   */
  private static void probe(DatabaseConfig config, String url, String user, String password) {
    Properties props = connectionProperties(config);
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    try (Connection c = DriverManager.getConnection(url, props)) {
      c.isValid((int) config.connectTimeout().toSeconds());
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(
          "cannot connect to " + config + ": " + firstLine(e) + " " + hint(e), e);
    }
  }

  private static String hint(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.startsWith("28")) {
      return "Check --db-user and --db-password (or --db-password-file).";
    }
    if (state.equals("3D000")) {
      return "Create the database first (createdb NAME), or name an existing one in --db-url.";
    }
    if (hasCause(e, UnknownHostException.class)) {
      return "Check the host name in --db-url.";
    }
    if (state.startsWith("08") || hasCause(e, ConnectException.class)) {
      return "Is the server running and listening there? Without --db-url dx-scraper runs its"
          + " own embedded PostgreSQL.";
    }
    return "Check --db-url, --db-user and --db-password.";
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static HikariDataSource pool(
      DatabaseConfig config, String url, String user, String password) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("dx-scraper-db");
    hikari.setJdbcUrl(url);
    hikari.setUsername(user);
    hikari.setPassword(password);
    hikari.setMaximumPoolSize(POOL_SIZE);
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(config.connectTimeout().toMillis());
    hikari.setDataSourceProperties(connectionProperties(config));
    try {
      return new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new DatabaseUnavailableException(
          "cannot open a connection pool to " + config + ": " + firstLine(e), e);
    }
  }

  private static Properties connectionProperties(DatabaseConfig config) {
    Properties props = new Properties();
    long seconds = Math.max(1, config.connectTimeout().toSeconds());
    props.setProperty("connectTimeout", Long.toString(seconds));
    props.setProperty("loginTimeout", Long.toString(seconds));
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("ApplicationName", "dx-scraper");
    return props;
  }

  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  private static void closeQuietly(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly: {}", firstLine(e));
    }
  }

  /** Publishes the connection pool's metrics (HikariCP's own meter names) to {@code registry}. */
  public void bindMetrics(MeterRegistry registry) {
    pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
  }

  public DataSource dataSource() {
    return pool;
  }

  public DSLContext dsl() {
    return DSL.using(pool, SQLDialect.POSTGRES);
  }

  public boolean embedded() {
    return embedded != null;
  }

  @Override
  public String toString() {
    return description;
  }

  /** Idempotent: a start-up failure and a shutdown hook may both close. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    pool.close();
    if (embedded != null) {
      closeQuietly(embedded);
      log.info("Embedded PostgreSQL stopped");
    }
  }
}
