package org.dxscraper.scraper.simulate;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * DXSpider's text formats, column for column, as observed on a real V1.57 node.
 *
 * <pre>
 * spot:    "DX de " + (spotter + ":") left in 9 + " " + kHz %8.1f + "  " + call left in 12 + " "
 *          + comment cut/padded to (width - 50) + " " + HHMM + "Z"
 * history: kHz %9.1f + " " + call left in 11 + " " + dd-Mon-yyyy + " " + HHMM + "Z " + comment
 *          + "&lt;" + spotter + "&gt;", comment and spotter sharing 37 columns
 * prompt:  CALL + " de " + NODE + " " + dd-Mon-yyyy + " " + HHMM + "Z dxspider &gt;"
 * </pre>
 *
 * Long fields push the rest right rather than being cut, as on the real node. Hand-rolled rather
 * than {@code String.format}: at 10,000 spots per second the formatter showed up in profiles.
 */
final class DxSpiderFormat {

  static final int DEFAULT_WIDTH = 80;
  static final int MIN_WIDTH = 80;

  /** Fixed English abbreviations: the node's month names do not follow the JVM's locale. */
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private static final int HISTORY_TAIL = 37;

  private DxSpiderFormat() {}

  static String spotLine(SimulatedSpot spot, int width) {
    StringBuilder b = new StringBuilder(width + 16);
    b.append("DX de ");
    padRight(b, spot.spotter() + ":", 9);
    b.append(' ');
    padLeft(b, kilohertz(spot.frequencyTenths()), 8);
    b.append("  ");
    padRight(b, spot.dxCall(), 12);
    b.append(' ');
    fit(b, spot.comment(), commentWidth(width));
    b.append(' ');
    hourMinute(b, spot.time()).append('Z');
    return b.toString();
  }

  /** The comment column: 30 at the default width 80, 50 after {@code set/width 100}. */
  static int commentWidth(int width) {
    return Math.max(MIN_WIDTH, width) - 50;
  }

  static String historyLine(SimulatedSpot spot) {
    StringBuilder b = new StringBuilder(80);
    padLeft(b, kilohertz(spot.frequencyTenths()), 9);
    b.append(' ');
    padRight(b, spot.dxCall(), 11);
    b.append(' ');
    date(b, spot.time()).append(' ');
    hourMinute(b, spot.time()).append("Z ");
    fit(b, spot.comment(), Math.max(0, HISTORY_TAIL - 2 - spot.spotter().length()));
    b.append('<').append(spot.spotter()).append('>');
    return b.toString();
  }

  static String promptLine(String call, String node, Instant now) {
    StringBuilder b = new StringBuilder(64);
    b.append(call).append(" de ").append(node).append(' ');
    date(b, now).append(' ');
    hourMinute(b, now).append("Z dxspider >");
    return b.toString();
  }

  /** The hour without padding, as in DXSpider's {@code WWV de NODE <1>:}. */
  static String hour(Instant time) {
    return Integer.toString(utc(time).getHour());
  }

  static String kilohertz(long tenths) {
    return (tenths / 10) + "." + (tenths % 10);
  }

  private static StringBuilder date(StringBuilder b, Instant time) {
    ZonedDateTime t = utc(time);
    twoDigits(b, t.getDayOfMonth());
    return b.append('-').append(MONTHS[t.getMonthValue() - 1]).append('-').append(t.getYear());
  }

  private static StringBuilder hourMinute(StringBuilder b, Instant time) {
    ZonedDateTime t = utc(time);
    twoDigits(b, t.getHour());
    twoDigits(b, t.getMinute());
    return b;
  }

  private static ZonedDateTime utc(Instant time) {
    return time.atZone(ZoneOffset.UTC);
  }

  private static void twoDigits(StringBuilder b, int value) {
    if (value < 10) {
      b.append('0');
    }
    b.append(value);
  }

  private static void padRight(StringBuilder b, String text, int width) {
    b.append(text);
    b.repeat(' ', Math.max(0, width - text.length()));
  }

  private static void padLeft(StringBuilder b, String text, int width) {
    b.repeat(' ', Math.max(0, width - text.length()));
    b.append(text);
  }

  private static void fit(StringBuilder b, String text, int width) {
    if (text.length() >= width) {
      b.append(text, 0, width);
    } else {
      padRight(b, text, width);
    }
  }
}
