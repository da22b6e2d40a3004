package org.dxscraper.scraper.store;

import static org.dxscraper.db.jooq.Tables.SPOT;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Spot rows in {@code COPY}'s text format, UTF-8, for {@link RowInserts#copySpots}: one line a row,
 * the columns of {@link SpotArrayEncoder#COLUMNS} and then {@code daemon}, tab-separated, {@code
 * \N} for null, and backslash, tab, newline and carriage return escaped. The values are written as
 * {@link SpotArrayEncoder} writes them (the same timestamp and frequency text, a smallint wrapped
 * as a Java {@code short}, NUL dropped, a lone surrogate as {@code ?} as Java's UTF-8 encoder
 * does), so a row stored either way is the same row.
 *
 * <p>Written by hand: pgjdbc takes the bytes of a {@code COPY} but has no encoder for its text
 * format, and the project's other libraries (jOOQ's loader API) go through bound statements.
 *
 * <p>Not thread-safe: one per writer thread; the buffer is kept from batch to batch.
 */
final class SpotCopyEncoder {

  /** {@code copy "spot" ("spotted_at", ..., "daemon") from stdin}, built once from the schema. */
  static final String COPY = copyStatement();

  private byte[] buf = new byte[1 << 16];
  private int len;
  private final StringBuilder scratch = new StringBuilder(40);
  // One per timestamp column: a batch's rows mostly share their minutes, and the two columns'
  // minutes differ (a spot's time is its line's minute; a backfill's is older).
  private final MinutePrefix spottedMinute = new MinutePrefix();
  private final MinutePrefix receivedMinute = new MinutePrefix();

  private static String copyStatement() {
    var render = DSL.using(SQLDialect.POSTGRES);
    StringJoiner columns = new StringJoiner(", ");
    for (SpotArrayEncoder.Column column : SpotArrayEncoder.COLUMNS) {
      columns.add(render.render(DSL.name(column.field().getName())));
    }
    columns.add(render.render(DSL.name(SPOT.DAEMON.getName())));
    return "copy " + render.render(SPOT) + " (" + columns + ") from stdin";
  }

  /** Encodes {@code rows}, each with {@code daemonName} (null for none) in its last column. */
  SpotCopyEncoder encode(List<SpotRow> rows, String daemonName) {
    len = 0;
    for (SpotRow row : rows) {
      row(row, daemonName);
    }
    return this;
  }

  /** The encoded bytes: {@code bytes()[0..length())}. */
  byte[] bytes() {
    return buf;
  }

  int length() {
    return len;
  }

  // The order of SpotArrayEncoder.COLUMNS; SpotCopyEncoderTest and BatchStoreIT hold the two to it.
  private void row(SpotRow s, String daemonName) {
    timestamp(spottedMinute, s.spottedAt());
    timestamp(receivedMinute, s.receivedAt());
    text(s.node());
    text(s.spotter());
    scratch.setLength(0);
    SpotArrayEncoder.kilohertz(scratch, s.frequencyHz());
    ascii(scratch);
    text(s.dxCall());
    text(s.comment());
    text(s.band());
    text(s.mode());
    text(s.modeSource());
    smallint(s.snrDb());
    smallint(s.speed());
    text(s.speedUnit());
    text(s.spotType());
    text(s.dxGrid());
    text(s.spotterGrid());
    text(s.dxEntity());
    text(s.dxContinent());
    smallint(s.dxCqZone());
    text(s.spotterEntity());
    text(s.spotterContinent());
    smallint(s.spotterCqZone());
    ensure(2);
    buf[len++] = (byte) (s.backfilled() ? 't' : 'f');
    buf[len++] = '\t';
    text(daemonName);
    buf[len - 1] = '\n'; // the last column's tab ends the line instead
  }

  /**
   * {@link SpotArrayEncoder#timestampText}'s text, then a tab. The date, hour and minute are that
   * method's own, made once per minute and copied; the seconds and the fraction are written here.
   * The calendar arithmetic and the chars-to-bytes copy of every timestamp were 6% of the writer
   * thread's CPU at 1,000 spots/s (perf, 2026-12-06), and a batch's rows mostly share a minute.
   */
  private void timestamp(MinutePrefix cached, Instant t) {
    long seconds = t.getEpochSecond();
    long minute = Math.floorDiv(seconds, 60);
    if (minute != cached.minute) {
      cached.minute = minute;
      scratch.setLength(0);
      SpotArrayEncoder.timestampText(scratch, Instant.ofEpochSecond(minute * 60));
      // "YYYY-MM-DD HH:MM:00.000000000+00"; a year of other than four digits is written whole.
      cached.plain = scratch.length() == TIMESTAMP_LENGTH;
      for (int i = 0; cached.plain && i < MinutePrefix.LENGTH; i++) {
        cached.text[i] = (byte) scratch.charAt(i);
      }
    }
    if (!cached.plain) {
      scratch.setLength(0);
      ascii(SpotArrayEncoder.timestampText(scratch, t));
      return;
    }
    ensure(TIMESTAMP_LENGTH + 1);
    System.arraycopy(cached.text, 0, buf, len, MinutePrefix.LENGTH);
    len += MinutePrefix.LENGTH;
    int second = (int) (seconds - minute * 60);
    buf[len++] = (byte) ('0' + second / 10);
    buf[len++] = (byte) ('0' + second % 10);
    buf[len++] = '.';
    int nanos = t.getNano();
    for (int scale = 100_000_000; scale > 0; scale /= 10) {
      buf[len++] = (byte) ('0' + nanos / scale % 10);
    }
    buf[len++] = '+';
    buf[len++] = '0';
    buf[len++] = '0';
    buf[len++] = '\t';
  }

  /** {@code "YYYY-MM-DD HH:MM:SS.nnnnnnnnn+00"}. */
  private static final int TIMESTAMP_LENGTH = 32;

  /** The text of a minute's timestamps up to the seconds, {@code "YYYY-MM-DD HH:MM:"}. */
  private static final class MinutePrefix {
    static final int LENGTH = 17;
    final byte[] text = new byte[LENGTH];
    long minute = Long.MIN_VALUE;
    boolean plain;
  }

  /** What the array insert binds: the value as a Java {@code short}. */
  private void smallint(Integer value) {
    if (value == null) {
      nul();
      return;
    }
    scratch.setLength(0);
    ascii(scratch.append(value.shortValue()));
  }

  /** {@code \N}, then a tab. */
  private void nul() {
    ensure(3);
    buf[len++] = '\\';
    buf[len++] = 'N';
    buf[len++] = '\t';
  }

  /** Digits, signs and the like, then a tab. */
  private void ascii(CharSequence text) {
    ensure(text.length() + 1);
    for (int i = 0; i < text.length(); i++) {
      buf[len++] = (byte) text.charAt(i);
    }
    buf[len++] = '\t';
  }

  /** A text value, escaped, then a tab. */
  private void text(String s) {
    if (s == null) {
      nul();
      return;
    }
    ensure(s.length() * 3 + 1);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x80) {
        switch (ch) {
          case '\\' -> escaped('\\');
          case '\t' -> escaped('t');
          case '\n' -> escaped('n');
          case '\r' -> escaped('r');
          case 0 -> {} // PostgreSQL refuses NUL in text (RowInserts.text)
          default -> buf[len++] = (byte) ch;
        }
      } else if (ch < 0x800) {
        buf[len++] = (byte) (0xC0 | ch >> 6);
        buf[len++] = (byte) (0x80 | ch & 0x3F);
      } else if (Character.isHighSurrogate(ch)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int codePoint = Character.toCodePoint(ch, s.charAt(++i));
        buf[len++] = (byte) (0xF0 | codePoint >> 18);
        buf[len++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
        buf[len++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
        buf[len++] = (byte) (0x80 | codePoint & 0x3F);
      } else if (Character.isSurrogate(ch)) {
        buf[len++] = '?';
      } else {
        buf[len++] = (byte) (0xE0 | ch >> 12);
        buf[len++] = (byte) (0x80 | ch >> 6 & 0x3F);
        buf[len++] = (byte) (0x80 | ch & 0x3F);
      }
    }
    buf[len++] = '\t';
  }

  // Escapes grow a character to two bytes, within the three per character ensured.
  private void escaped(char what) {
    buf[len++] = '\\';
    buf[len++] = (byte) what;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
