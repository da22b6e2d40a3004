package org.dxscraper.scraper.parse;

/**
 * Reads CC Cluster's machine format, which DXSpider and CC Cluster send after {@code set/ve7cc}:
 *
 * <pre>
 * CC11^14027.0^K9CCC^24-Nov-2026^0116Z^comment^N1SPOT^...
 * </pre>
 *
 * Fields after the spotter, as DXSpider writes them: 7 and 8 the DX and spotter country codes, 9
 * the origin node, 10 and 11 the DX station's ITU and CQ zones, 12 and 13 the spotter's, 14 and 15
 * US states, 16 and 17 country names, 18 and 19 the DX and spotter locators. Producers leave any of
 * them empty or stop early; only the zones and locators are read, and only when well-formed.
 */
final class Cc11LineParser {

  static final String PREFIX = "CC11^";

  private static final int MAX_FIELDS = 20;

  private static final int SPOTTER = 6;

  private static final int DX_CQ_ZONE = 11;

  private static final int SPOTTER_CQ_ZONE = 13;

  private static final int DX_GRID = 18;

  private static final int SPOTTER_GRID = 19;

  private Cc11LineParser() {}

  /** Parses {@code [start, end)}, which begins with {@link #PREFIX}. */
  static ClusterMessage parse(char[] s, int start, int end) {
    // starts[i] is where field i begins; field i ends one char before starts[i + 1].
    int[] starts = new int[MAX_FIELDS + 1];
    int fields = 1;
    starts[0] = start;
    for (int i = start; i < end && fields < MAX_FIELDS; i++) {
      if (s[i] == '^') {
        starts[fields++] = i + 1;
      }
    }
    int lastCaret = Chars.indexOf(s, '^', starts[fields - 1], end);
    starts[fields] = (lastCaret < 0 ? end : lastCaret) + 1;
    if (fields <= SPOTTER) {
      return new Unparsed(Unparsed.TRUNCATED);
    }
    long hz = SpotFactory.hertz(s, fieldStart(s, starts, 1), fieldEnd(s, starts, 1));
    if (hz < 0) {
      return new Unparsed(Unparsed.DX_NO_FREQUENCY);
    }
    if (!isWord(s, starts, 2)) {
      return new Unparsed(Unparsed.DX_NO_CALL);
    }
    long epochDay = SpotClock.epochDay(s, fieldStart(s, starts, 3), fieldEnd(s, starts, 3));
    if (epochDay == Long.MIN_VALUE) {
      return new Unparsed(Unparsed.BAD_DATE);
    }
    int timeStart = fieldStart(s, starts, 4);
    int timeEnd = fieldEnd(s, starts, 4);
    // Most producers write "0116Z"; some write the four digits alone.
    boolean timeShaped = SpotClock.isZuluToken(s, timeStart, timeEnd) || (timeEnd - timeStart == 4);
    int minute = timeShaped ? SpotClock.minuteOfDay(s, timeStart, timeEnd) : SpotClock.NO_TIME;
    if (minute == SpotClock.NO_TIME) {
      return new Unparsed(Unparsed.BAD_TIME);
    }
    if (!isWord(s, starts, SPOTTER)) {
      return new Unparsed(Unparsed.DX_NO_SPOTTER);
    }
    return SpotFactory.create(
        SpotFormat.CC11,
        field(s, starts, SPOTTER),
        hz,
        s,
        fieldStart(s, starts, 2),
        fieldEnd(s, starts, 2),
        Chars.classesOf(s, fieldStart(s, starts, 2), fieldEnd(s, starts, 2)),
        starts[5],
        starts[6] - 1,
        SpotClock.atEpochDay(epochDay, minute),
        true,
        grid(s, starts, fields, SPOTTER_GRID),
        grid(s, starts, fields, DX_GRID),
        zone(s, starts, fields, SPOTTER_CQ_ZONE),
        zone(s, starts, fields, DX_CQ_ZONE));
  }

  private static int fieldStart(char[] s, int[] starts, int field) {
    return Chars.skipBlanks(s, starts[field], starts[field + 1] - 1);
  }

  private static int fieldEnd(char[] s, int[] starts, int field) {
    return Chars.trimEnd(s, fieldStart(s, starts, field), starts[field + 1] - 1);
  }

  /** True when the field holds one word: a call or spotter, never empty, never two words. */
  private static boolean isWord(char[] s, int[] starts, int field) {
    int from = fieldStart(s, starts, field);
    int to = fieldEnd(s, starts, field);
    return from < to && Chars.tokenEnd(s, from, to) == to;
  }

  private static String field(char[] s, int[] starts, int field) {
    return Chars.upperSubstring(s, fieldStart(s, starts, field), fieldEnd(s, starts, field));
  }

  private static String grid(char[] s, int[] starts, int fields, int field) {
    if (field >= fields) {
      return null;
    }
    int from = fieldStart(s, starts, field);
    int to = fieldEnd(s, starts, field);
    return Chars.isGrid(s, from, to) ? Chars.upperSubstring(s, from, to) : null;
  }

  private static Integer zone(char[] s, int[] starts, int fields, int field) {
    return field < fields
        ? SpotFactory.zone(s, fieldStart(s, starts, field), fieldEnd(s, starts, field))
        : null;
  }
}
