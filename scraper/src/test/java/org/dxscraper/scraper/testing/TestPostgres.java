package org.dxscraper.scraper.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.DatabaseConfig;
import org.dxscraper.scraper.store.Migrations;

/**
 * Real PostgreSQL for tests: the server named by {@code DX_SCRAPER_TEST_DB_URL} (with {@code
 * DX_SCRAPER_TEST_DB_USER} and {@code DX_SCRAPER_TEST_DB_PASSWORD} where needed), or else one
 * embedded server shared by every test in the JVM. Each caller gets a database of its own, created
 * empty and dropped on close, so tests never see each other's rows.
 */
public final class TestPostgres {
  public static final String URL_VARIABLE = "DX_SCRAPER_TEST_DB_URL";

  private static EmbeddedPostgres embedded;

  private TestPostgres() {}

  /** A fresh, empty database; close it to drop it. */
  public static synchronized TestDatabase createDatabase() {
    Server server = server();
    String name = "dxs_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute(server, "create database " + name);
    return new TestDatabase(server, name);
  }

  /** Where the databases come from, for test output. */
  public static String describe() {
    String url = System.getenv(URL_VARIABLE);
    return url == null ? "embedded PostgreSQL" : url;
  }

  private static Server server() {
    String url = System.getenv(URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      return new Server(
          url,
          System.getenv("DX_SCRAPER_TEST_DB_USER"),
          System.getenv("DX_SCRAPER_TEST_DB_PASSWORD"));
    }
    if (embedded == null) {
      embedded = startEmbedded();
    }
    return new Server(
        "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres", "postgres", null);
  }

  private static EmbeddedPostgres startEmbedded() {
    try {
      Path dataDir = Files.createTempDirectory("dx-scraper-test-pg");
      EmbeddedPostgres server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(true)
              .setPGStartupWait(Duration.ofSeconds(120))
              .setServerConfig("listen_addresses", "127.0.0.1")
              .start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (IOException e) {
                      System.err.println("test PostgreSQL did not stop: " + e.getMessage());
                    }
                  },
                  "test-postgres-stop"));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded test PostgreSQL", e);
    }
  }

  private static void execute(Server server, String sql) {
    try (Connection c = server.connect(server.url());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "test database set-up failed on " + server.url() + ": " + sql + ": " + e.getMessage(), e);
    }
  }

  record Server(String url, String user, String password) {
    Connection connect(String jdbcUrl) throws SQLException {
      return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** The same server with another database in the URL's path. */
    String urlFor(String database) {
      int query = url.indexOf('?');
      String base = query < 0 ? url : url.substring(0, query);
      String params = query < 0 ? "" : url.substring(query);
      return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }
  }

  /** One test's database. */
  public static final class TestDatabase implements AutoCloseable {
    private final Server server;
    private final String name;

    TestDatabase(Server server, String name) {
      this.server = server;
      this.name = name;
    }

    public String url() {
      return server.urlFor(name);
    }

    public String user() {
      return server.user();
    }

    public String password() {
      return server.password();
    }

    public Connection connect() throws SQLException {
      return server.connect(url());
    }

    /** Rows in {@code table}, or 0 while the table does not exist yet (not migrated). */
    public long count(String table) {
      try (Connection c = connect();
          java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery("select count(*) from " + table)) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        return 0;
      }
    }

    /**
     * The jar's options for this database: {@code --db-url} and {@code --db-user}; the password,
     * where there is one, goes in the environment ({@link #jarEnvironment()}), not on a command
     * line.
     */
    public java.util.List<String> jarOptions() {
      java.util.List<String> options =
          new java.util.ArrayList<>(java.util.List.of("--db-url", url()));
      if (user() != null) {
        options.addAll(java.util.List.of("--db-user", user()));
      }
      return options;
    }

    /** The environment that carries this database's password to the jar, if it has one. */
    public java.util.Map<String, String> jarEnvironment() {
      return password() == null
          ? java.util.Map.of()
          : java.util.Map.of("DX_SCRAPER_DB_PASSWORD", password());
    }

    public DatabaseConfig config() {
      return new DatabaseConfig(
          url(), user(), password(), Path.of("unused-data-dir"), 0, Duration.ofSeconds(10));
    }

    @Override
    public void close() {
      // FORCE ends connections a pool may still hold (PostgreSQL 13 and later).
      execute(server, "drop database if exists " + name.toLowerCase(Locale.ROOT) + " with (force)");
    }

    @Override
    public String toString() {
      return url();
    }
  }

  /**
   * A fresh database with the schema migrated and the daemon's {@link Database} open on it; {@link
   * #close()} closes the pool and drops the database. For tests that run the pipeline against it.
   */
  public static MigratedDatabase migratedDatabase() {
    return new MigratedDatabase(createDatabase());
  }

  /** A test's database, migrated and open. */
  public static final class MigratedDatabase implements AutoCloseable {
    private final TestDatabase testDatabase;
    private final Database database;

    private MigratedDatabase(TestDatabase testDatabase) {
      this.testDatabase = testDatabase;
      this.database = Database.open(testDatabase.config());
      Migrations.migrate(database.dataSource());
    }

    public Database database() {
      return database;
    }

    /** Rows in {@code table}, counted on a connection of its own. */
    public long count(String table) {
      return testDatabase.count(table);
    }

    @Override
    public void close() {
      database.close();
      testDatabase.close();
    }
  }
}
