package org.dxscraper.scraper.store;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The partitions of the time-partitioned tables (V10): created through {@code
 * dx_scraper_create_partitions} and dropped through {@code dx_scraper_drop_partitions}, the
 * schema's own SECURITY DEFINER functions, so that the writer role keeps partitions without owning
 * the tables. Stateless; every call is one statement in its own transaction.
 */
public final class Partitions {

  /**
   * A partitioned table and the period one of its partitions covers (V10's {@code
   * dx_scraper_partition_unit} says the same to the database).
   */
  public enum Table {
    SPOT("spot", ChronoUnit.WEEKS),
    SOLAR_REPORT("solar_report", ChronoUnit.MONTHS),
    ANNOUNCEMENT("announcement", ChronoUnit.MONTHS);

    private final String sqlName;
    private final ChronoUnit period;

    Table(String sqlName, ChronoUnit period) {
      this.sqlName = sqlName;
      this.period = period;
    }

    /** The table's name in the schema, also its metric label. */
    public String sqlName() {
      return sqlName;
    }

    /** Weeks or months. */
    public ChronoUnit period() {
      return period;
    }
  }

  private Partitions() {}

  /**
   * Creates the missing partitions of {@code table} for the periods {@code times} fall in; a period
   * held already (by a partition, or by the converted table's first one) is left alone.
   *
   * @return how many partitions were created
   * @throws DataAccessException when the database refuses (no such function before V10, no EXECUTE
   *     for this role, a lock not granted in time)
   */
  public static int create(DSLContext dsl, Table table, Collection<Instant> times) {
    if (times.isEmpty()) {
      return 0;
    }
    return dsl.connectionResult(
        connection -> {
          Timestamp[] stamps = times.stream().map(Timestamp::from).toArray(Timestamp[]::new);
          Array array = connection.createArrayOf("timestamptz", stamps);
          try (PreparedStatement call =
              connection.prepareStatement("select dx_scraper_create_partitions(?, ?)")) {
            call.setString(1, table.sqlName());
            call.setArray(2, array);
            try (ResultSet rs = call.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          } finally {
            array.free();
          }
        });
  }

  /**
   * Drops every partition of {@code table} whose whole range ends at or before {@code olderThan},
   * the daemon's clock less {@code retain}. The database refuses a bound within the last day of its
   * own clock, or later than its own clock less {@code retain} (a daemon clock running ahead).
   *
   * @return the names of the partitions dropped, oldest first
   */
  public static List<String> dropOlderThan(
      DSLContext dsl, Table table, Instant olderThan, Duration retain) {
    return dsl.connectionResult(
        connection -> {
          try (PreparedStatement call =
              connection.prepareStatement(
                  "select dx_scraper_drop_partitions(?, ?, ? * interval '1 second')")) {
            call.setString(1, table.sqlName());
            call.setTimestamp(2, Timestamp.from(olderThan));
            call.setLong(3, retain.toSeconds());
            List<String> dropped = new ArrayList<>();
            try (ResultSet rs = call.executeQuery()) {
              while (rs.next()) {
                dropped.add(rs.getString(1));
              }
            }
            return dropped;
          }
        });
  }

  /**
   * Whether the database refused a row for want of a partition, not for what is in it (SQL state
   * 23514 both): {@code no partition of relation "spot" found for row}, a partition to create; or
   * V10's own {@code spot_before_partitions} check, on a table whose conversion failed halfway and
   * waits for {@code dx-scraper migrate} again. Neither row may be skipped as bad data.
   *
   * <p>Told apart by the error's fields, not its text, which the server translates to its {@code
   * lc_messages} language: a check constraint names itself, a missing partition names only the
   * table.
   */
  static boolean isMissingPartition(DataAccessException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException sql && "23514".equals(sql.getSQLState())) {
        ServerErrorMessage server = sql.getServerErrorMessage();
        if (server == null) {
          return false;
        }
        String constraint = server.getConstraint();
        return constraint == null
            ? server.getTable() != null
            : constraint.endsWith("_before_partitions");
      }
    }
    return false;
  }
}
