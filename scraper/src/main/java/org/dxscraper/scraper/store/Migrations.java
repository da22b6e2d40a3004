package org.dxscraper.scraper.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings a database's schema to the version this build carries (db-migrations' Flyway scripts). */
public final class Migrations {
  public static final String LOCATION = "classpath:db/migration";

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** Scripts that may run again over what a failed run of them left. */
  private static final Set<String> RERUNNABLE = Set.of("10", "12");

  /** Migrations tried when another on the same server creates the same role at the same time. */
  private static final int SERVER_WIDE_ATTEMPTS = 3;

  private Migrations() {}

  /**
   * What a migration did.
   *
   * @param fromVersion schema version before, or null for an empty database
   * @param toVersion schema version after
   * @param applied how many scripts ran; 0 when the schema was already current
   */
  public record Result(String fromVersion, String toVersion, int applied, Duration took) {
    public String summary() {
      return applied == 0
          ? "schema is up to date at version " + toVersion
          : "schema migrated from "
              + (fromVersion == null ? "empty" : "version " + fromVersion)
              + " to version "
              + toVersion
              + " ("
              + applied
              + (applied == 1 ? " script" : " scripts")
              + " in "
              + took.toMillis()
              + " ms)";
    }
  }

  /**
   * Applies every script not yet applied, each in its own transaction; running it again changes
   * nothing.
   *
   * @throws MigrationException with a one-line message when a script fails or the schema has
   *     diverged from the scripts (a script edited after it ran)
   */
  public static Result migrate(DataSource dataSource) {
    return migrate(dataSource, MigrationVersion.LATEST);
  }

  /**
   * {@link #migrate(DataSource)} up to {@code target} only: for a test of a later script on a
   * database at the version before it.
   */
  static Result migrate(DataSource dataSource, MigrationVersion target) {
    long started = System.nanoTime();
    try {
      FluentConfiguration configuration =
          Flyway.configure()
              .dataSource(dataSource)
              .locations(LOCATION)
              .target(target)
              .failOnMissingLocations(true);
      // Flyway's default lock on PostgreSQL keeps a transaction open on a second connection
      // (flyway#3508), and V10's CREATE INDEX CONCURRENTLY waits for every open transaction:
      // forever, for that one. The session-level advisory lock instead holds no transaction.
      configuration
          .getConfigurationExtension(PostgreSQLConfigurationExtension.class)
          .setTransactionalLock(false);
      Flyway flyway = configuration.load();
      forgetFailedRerunnable(flyway, dataSource);
      MigrateResult result = migrateRacingOthers(flyway);
      return new Result(
          result.initialSchemaVersion,
          result.targetSchemaVersion != null
              ? result.targetSchemaVersion
              : result.initialSchemaVersion,
          result.migrationsExecuted,
          Duration.ofNanos(System.nanoTime() - started));
    } catch (FlywayException e) {
      String message = Database.firstLine(e);
      String hint =
          message.contains("permission denied")
              ? " Run 'dx-scraper migrate' as the database owner; the writer role may not change"
                  + " the schema."
              : "";
      throw new MigrationException("schema migration failed: " + message + hint, e);
    }
  }

  /**
   * {@link Flyway#migrate()}, once more when it failed only because another migration on the same
   * server created a server-wide object at the same moment: V4 creates the roles where they are
   * missing, and two daemons migrating two databases of a new server at once both found them
   * missing (the benchmark suite's three daemons, #11). The loser's script is rolled back whole,
   * and run again it finds the roles.
   */
  private static MigrateResult migrateRacingOthers(Flyway flyway) {
    for (int attempt = 1; ; attempt++) {
      try {
        return flyway.migrate();
      } catch (FlywayException e) {
        SQLException duplicate = serverWideDuplicate(e);
        if (duplicate == null || attempt == SERVER_WIDE_ATTEMPTS) {
          throw e;
        }
        log.warn(
            "schema: another migration on this server created the same server-wide object at the"
                + " same moment ({}); migrating again",
            Database.firstLine(duplicate));
      }
    }
  }

  /** The cause of {@code e} that is a role created twice at once, or null. */
  static SQLException serverWideDuplicate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getMessage() != null) {
        String state = sql.getSQLState();
        String message = sql.getMessage();
        // Waiting for the other's uncommitted role: the unique index of pg_authid. After its
        // commit, between this script's check and its CREATE ROLE: "role ... already exists".
        if (("23505".equals(state) && message.contains("pg_authid"))
            || ("42710".equals(state)
                && message.contains("role ")
                && message.contains("already exists"))) {
          return sql;
        }
      }
    }
    return null;
  }

  /**
   * A script that runs outside a transaction (V10, V12) and failed halfway stays in Flyway's
   * history as failed, and Flyway refuses to go on until it is "repaired". Both are written to be
   * run again over what they left (each step skips what is done), so the failed entry alone is
   * removed and the script runs again; Flyway's own repair would also accept every edited script's
   * new checksum. Any other failed script still stops the migration with Flyway's message.
   */
  private static void forgetFailedRerunnable(Flyway flyway, DataSource dataSource) {
    for (MigrationInfo info : flyway.info().all()) {
      if (info.getState() == MigrationState.FAILED
          && info.getVersion() != null
          && RERUNNABLE.contains(info.getVersion().getVersion())) {
        log.warn(
            "schema: version {} ({}) failed halfway before; running it again",
            info.getVersion(),
            info.getDescription());
        try (Connection c = dataSource.getConnection();
            PreparedStatement forget =
                c.prepareStatement(
                    "delete from flyway_schema_history where version = ? and not success")) {
          forget.setString(1, info.getVersion().getVersion());
          forget.executeUpdate();
        } catch (SQLException e) {
          throw new MigrationException(
              "schema migration failed: cannot clear the failed version "
                  + info.getVersion()
                  + " from flyway_schema_history: "
                  + Database.firstLine(e),
              e);
        }
      }
    }
  }

  /** A migration failed; the message is one line for the operator. */
  public static final class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MigrationException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
