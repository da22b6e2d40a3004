package org.dxscraper.scraper.store;

import static org.dxscraper.db.jooq.Tables.SPOT;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.jooq.Field;

/**
 * Spot rows as PostgreSQL array literals, one per column of {@code spot}, for {@link RowInserts}'
 * {@code INSERT ... SELECT unnest(...), ...}: a batch travels as 23 strings, whatever its size,
 * instead of 23 bound values per row.
 *
 * <p>Each column is declared once below, with the jOOQ field it fills (so a name cannot drift from
 * the schema, and the field's Java type must fit the element writer) and the row's value that goes
 * in it. Every element is double-quoted, so no text can read as {@code NULL} or end an element
 * early; only {@code "} and {@code \} are escaped inside quotes.
 *
 * <p>Not thread-safe: one per writer. The builders are kept from batch to batch, so a batch costs
 * the 23 strings handed to the driver and little else.
 */
final class SpotArrayEncoder {

  /** Writes one row's value of a column as an array element. */
  @FunctionalInterface
  interface ElementWriter {
    void write(StringBuilder array, SpotRow row);
  }

  /**
   * A column of {@code spot}, the array type its values travel in, and where its value comes from.
   */
  record Column(Field<?> field, String arrayType, ElementWriter writer) {}

  /** Every column the writer fills, in the order of the statement's parameters. */
  static final List<Column> COLUMNS =
      List.of(
          timestamp(SPOT.SPOTTED_AT, SpotRow::spottedAt),
          timestamp(SPOT.RECEIVED_AT, SpotRow::receivedAt),
          text(SPOT.NODE, SpotRow::node),
          text(SPOT.SPOTTER, SpotRow::spotter),
          kilohertz(SPOT.FREQUENCY_KHZ, SpotRow::frequencyHz),
          text(SPOT.DX_CALL, SpotRow::dxCall),
          text(SPOT.COMMENT, SpotRow::comment),
          text(SPOT.BAND, SpotRow::band),
          text(SPOT.MODE, SpotRow::mode),
          text(SPOT.MODE_SOURCE, SpotRow::modeSource),
          smallint(SPOT.SNR_DB, SpotRow::snrDb),
          smallint(SPOT.SPEED, SpotRow::speed),
          text(SPOT.SPEED_UNIT, SpotRow::speedUnit),
          text(SPOT.SPOT_TYPE, SpotRow::spotType),
          text(SPOT.DX_GRID, SpotRow::dxGrid),
          text(SPOT.SPOTTER_GRID, SpotRow::spotterGrid),
          text(SPOT.DX_ENTITY, SpotRow::dxEntity),
          text(SPOT.DX_CONTINENT, SpotRow::dxContinent),
          smallint(SPOT.DX_CQ_ZONE, SpotRow::dxCqZone),
          text(SPOT.SPOTTER_ENTITY, SpotRow::spotterEntity),
          text(SPOT.SPOTTER_CONTINENT, SpotRow::spotterContinent),
          smallint(SPOT.SPOTTER_CQ_ZONE, SpotRow::spotterCqZone),
          bool(SPOT.BACKFILLED, SpotRow::backfilled));

  private final StringBuilder[] arrays = new StringBuilder[COLUMNS.size()];

  SpotArrayEncoder() {
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = new StringBuilder(256);
    }
  }

  /**
   * Encodes {@code rows} and binds column {@code i}'s array to parameter {@code i + 1} of {@code
   * insert}, untyped, so that the server reads each literal as the array type the statement casts
   * it to.
   */
  void bind(PreparedStatement insert, List<SpotRow> rows) throws SQLException {
    for (int i = 0; i < arrays.length; i++) {
      insert.setObject(i + 1, encode(i, rows), Types.OTHER);
    }
  }

  /** The array literal of column {@code column} of {@code rows}. */
  String encode(int column, List<SpotRow> rows) {
    ElementWriter writer = COLUMNS.get(column).writer();
    StringBuilder array = arrays[column];
    array.setLength(0);
    array.append('{');
    for (int r = 0; r < rows.size(); r++) {
      if (r > 0) {
        array.append(',');
      }
      writer.write(array, rows.get(r));
    }
    return array.append('}').toString();
  }

  // Text goes as text[] and numbers as their plain types, never as the column's own varchar(n):
  // an explicit cast to varchar(n) would cut a long value silently, where the INSERT's assignment
  // to the column refuses it (SQL state 22001) and the writer skips that row alone, as before.

  private static Column text(Field<String> field, Function<SpotRow, String> value) {
    return new Column(field, "text[]", (array, row) -> text(array, value.apply(row)));
  }

  private static Column timestamp(Field<OffsetDateTime> field, Function<SpotRow, Instant> value) {
    return new Column(field, "timestamptz[]", (array, row) -> timestamp(array, value.apply(row)));
  }

  private static Column kilohertz(Field<BigDecimal> field, ToLongFunction<SpotRow> hertz) {
    return new Column(field, "numeric[]", (array, row) -> kilohertz(array, hertz.applyAsLong(row)));
  }

  private static Column smallint(Field<Short> field, Function<SpotRow, Integer> value) {
    return new Column(field, "int2[]", (array, row) -> smallint(array, value.apply(row)));
  }

  private static Column bool(Field<Boolean> field, Predicate<SpotRow> value) {
    return new Column(field, "bool[]", (array, row) -> array.append(value.test(row) ? 't' : 'f'));
  }

  /**
   * A quoted element, or {@code NULL}. NUL is dropped: PostgreSQL refuses it in text, which would
   * fail the whole batch (see {@link RowInserts#text}).
   */
  static void text(StringBuilder array, String s) {
    if (s == null) {
      array.append("NULL");
      return;
    }
    array.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"' || ch == '\\') {
        array.append('\\').append(ch);
      } else if (ch != '\u0000') {
        array.append(ch);
      }
    }
    array.append('"');
  }

  /** What the jOOQ insert bound: {@code Short}, so a value beyond its range wraps as it did. */
  private static void smallint(StringBuilder array, Integer value) {
    if (value == null) {
      array.append("NULL");
    } else {
      array.append(value.shortValue());
    }
  }

  /** Hertz as kilohertz with three decimals, exactly: {@code 14025.300}. */
  static void kilohertz(StringBuilder array, long hertz) {
    long rest = hertz % 1000;
    array
        .append(hertz / 1000)
        .append('.')
        .append((char) ('0' + rest / 100))
        .append((char) ('0' + rest / 10 % 10))
        .append((char) ('0' + rest % 10));
  }

  /**
   * {@code "2026-12-05 18:00:00.123456789+00"}: UTC, with every nanosecond, so that PostgreSQL
   * rounds to its microseconds exactly as it did the text the jOOQ insert bound (which also carried
   * nanoseconds; pgjdbc's own rounding differs at a half microsecond). Years outside 1000-9999
   * (never from a node's clock) fall back to ISO 8601, which PostgreSQL reads too.
   */
  static void timestamp(StringBuilder array, Instant t) {
    array.append('"');
    timestampText(array, t);
    array.append('"');
  }

  /** The timestamp of {@link #timestamp} without the quotes, for a parameter of its own. */
  static StringBuilder timestampText(StringBuilder b, Instant t) {
    long seconds = t.getEpochSecond();
    long days = Math.floorDiv(seconds, 86_400);
    int secondOfDay = Math.floorMod(seconds, 86_400);
    // Days since 1970 to a proleptic Gregorian date, after H. Hinnant's "chrono-compatible
    // low-level date algorithms" (civil_from_days); allocation-free, unlike LocalDate.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthIndex = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 1000 || year > 9999) {
      return b.append(t);
    }
    b.append(year).append('-');
    twoDigits(b, month).append('-');
    twoDigits(b, day).append(' ');
    twoDigits(b, secondOfDay / 3600).append(':');
    twoDigits(b, secondOfDay / 60 % 60).append(':');
    twoDigits(b, secondOfDay % 60).append('.');
    int nanos = t.getNano();
    for (int scale = 100_000_000; scale > 0; scale /= 10) {
      b.append((char) ('0' + nanos / scale % 10));
    }
    return b.append("+00");
  }

  private static StringBuilder twoDigits(StringBuilder b, int value) {
    return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }
}
