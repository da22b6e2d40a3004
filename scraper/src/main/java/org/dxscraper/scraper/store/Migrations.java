package org.dxscraper.scraper.store;

import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings a database's schema to the version this build carries (db-migrations' Flyway scripts). */
public final class Migrations {
  public static final String LOCATION = "classpath:db/migration";

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
    long started = System.nanoTime();
    try {
      MigrateResult result =
          Flyway.configure()
              .dataSource(dataSource)
              .locations(LOCATION)
              .failOnMissingLocations(true)
              .load()
              .migrate();
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

  /** A migration failed; the message is one line for the operator. */
  public static final class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MigrationException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
