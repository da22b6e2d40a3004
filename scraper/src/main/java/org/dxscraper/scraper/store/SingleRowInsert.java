package org.dxscraper.scraper.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * A one-row {@code INSERT INTO t (...) VALUES (?, ...) ON CONFLICT DO NOTHING} for rows of type
 * {@code R}, its text built once from jOOQ's generated names, with each parameter declared beside
 * the field it fills and the row's value that goes in it.
 *
 * <p>For the rows that come a few a minute on a real node: solar reports and announcements. jOOQ
 * rendered each of them anew; with the simulator's mix (one line in fifty) that was half of what
 * the writer thread still spent at 1,000 spots/s once spots went in arrays (JFR,
 * docs/BENCHMARKS.md).
 *
 * <p>Immutable and thread-safe; {@link #insert} runs in the caller's transaction.
 */
final class SingleRowInsert<R> {

  /** Binds one row's value of a column to a parameter. */
  @FunctionalInterface
  interface Binder<R> {
    void bind(PreparedStatement insert, int index, R row) throws SQLException;
  }

  /** A column and where its value comes from. */
  record Param<R>(Field<?> field, Binder<R> binder) {}

  private final String sql;
  private final List<Param<R>> params;
  private final Field<String> daemon;

  /**
   * @param daemon the column that names the daemon storing the row: one value for every row, bound
   *     as the last parameter
   */
  SingleRowInsert(Table<?> table, List<Param<R>> params, Field<String> daemon) {
    this.params = List.copyOf(params);
    this.daemon = daemon;
    DSLContext render = DSL.using(SQLDialect.POSTGRES);
    StringJoiner columns = new StringJoiner(", ");
    StringJoiner values = new StringJoiner(", ");
    for (Param<R> param : this.params) {
      columns.add(render.render(DSL.name(param.field().getName())));
      values.add("?");
    }
    columns.add(render.render(DSL.name(daemon.getName())));
    values.add("?");
    this.sql =
        "insert into "
            + render.render(table)
            + " ("
            + columns
            + ") values ("
            + values
            + ") on conflict do nothing";
  }

  String sql() {
    return sql;
  }

  List<Param<R>> params() {
    return params;
  }

  /** Every column the statement fills, the daemon's last. */
  List<Field<?>> fields() {
    List<Field<?>> fields = new ArrayList<>();
    params.forEach(p -> fields.add(p.field()));
    fields.add(daemon);
    return fields;
  }

  /**
   * Inserts every row; returns how many were new (the others were stored already).
   *
   * @param daemonName the daemon column's value, or null
   */
  int insert(DSLContext tx, List<R> rows, String daemonName) {
    if (rows.isEmpty()) {
      return 0;
    }
    int[] inserted = new int[1];
    tx.connection(
        connection -> {
          try (PreparedStatement insert = connection.prepareStatement(sql)) {
            // All the rows in one round trip: with the simulator's mix (a report or announcement
            // in fifty lines) a batch at 1,000 spots/s held four, and a round trip each was a
            // sixth of the writer threads' CPU (JFR, docs/BENCHMARKS.md).
            for (R row : rows) {
              bind(insert, row, daemonName);
              insert.addBatch();
            }
            // A failed row comes out as pgjdbc's BatchUpdateException, whose cause is the server's
            // error for that row, so the writer judges it as before (RowInsertsIT).
            for (int count : insert.executeBatch()) {
              // pgjdbc gives each row's count, 0 for a row stored already, unless the operator's
              // --db-url turns on reWriteBatchedInserts: then each row says only "done", counted
              // as stored.
              inserted[0] += count == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
            }
          }
        });
    return inserted[0];
  }

  private void bind(PreparedStatement insert, R row, String daemonName) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      params.get(i).binder().bind(insert, i + 1, row);
    }
    insert.setString(params.size() + 1, daemonName);
  }

  /** Text, with NUL dropped ({@link RowInserts#text}). */
  static <R> Param<R> varchar(Field<String> field, Function<R, String> value) {
    return new Param<>(
        field, (insert, i, row) -> insert.setString(i, RowInserts.text(value.apply(row))));
  }

  /** A smallint, as the jOOQ insert bound it: {@code Short}, so a value beyond its range wraps. */
  static <R> Param<R> smallint(Field<Short> field, Function<R, Integer> value) {
    return new Param<>(
        field,
        (insert, i, row) -> {
          Integer v = value.apply(row);
          if (v == null) {
            insert.setNull(i, Types.SMALLINT);
          } else {
            insert.setShort(i, v.shortValue());
          }
        });
  }

  /**
   * A timestamp as text with every nanosecond, typed by the column, so that PostgreSQL rounds it as
   * it did the jOOQ insert's ({@link SpotArrayEncoder#timestampText}).
   */
  static <R> Param<R> timestamp(Field<OffsetDateTime> field, Function<R, Instant> value) {
    return new Param<>(
        field,
        (insert, i, row) ->
            insert.setObject(
                i,
                SpotArrayEncoder.timestampText(new StringBuilder(32), value.apply(row)).toString(),
                Types.OTHER));
  }
}
