package org.dxscraper.scraper.parse;

/**
 * Reads the spot lines of {@code show/dx} and {@code sh/mydx} answers:
 *
 * <pre>
 *   14025.0  K1ABC       24-Nov-2026 0113Z test                           &lt;N1SPOT&gt;
 * </pre>
 *
 * They carry a full date, which is what lets a client backfill the spots it missed while it was
 * disconnected. DXSpider pads the day with a blank (" 1-Mar-2026"), separates frequency and call by
 * one blank or two depending on the version, and cuts the comment at 30 chars so that it can run
 * into the spotter ("...listener is a&lt;N1SPOT&gt;").
 */
final class HistoryLineParser {

  private HistoryLineParser() {}

  /**
   * Parses {@code [start, end)}, which starts with a digit; null when the line is not shaped like a
   * history line at all (a frequency first, a {@code <spotter>} last), so that other readers may
   * try it.
   */
  static ClusterMessage parseOrNull(char[] s, int start, int end) {
    int frequencyEnd = Chars.tokenEnd(s, start, end);
    long hz = SpotFactory.hertz(s, start, frequencyEnd);
    if (hz < 0 || s[end - 1] != '>') {
      return null;
    }
    int spotterStart = Chars.lastIndexOf(s, '<', 0, end) + 1;
    if (spotterStart <= frequencyEnd) {
      return null;
    }
    int callStart = Chars.skipBlanks(s, frequencyEnd, spotterStart - 1);
    int callEnd = Chars.tokenEnd(s, callStart, spotterStart - 1);
    if (callEnd == callStart) {
      return new Unparsed(Unparsed.DX_NO_CALL);
    }
    int dateStart = Chars.skipBlanks(s, callEnd, spotterStart - 1);
    int dateEnd = Chars.tokenEnd(s, dateStart, spotterStart - 1);
    long epochDay = SpotClock.epochDay(s, dateStart, dateEnd);
    if (epochDay == Long.MIN_VALUE) {
      return new Unparsed(Unparsed.BAD_DATE);
    }
    int timeStart = Chars.skipBlanks(s, dateEnd, spotterStart - 1);
    int timeEnd = Chars.tokenEnd(s, timeStart, spotterStart - 1);
    int minute =
        SpotClock.isZuluToken(s, timeStart, timeEnd)
            ? SpotClock.minuteOfDay(s, timeStart, timeEnd)
            : SpotClock.NO_TIME;
    if (minute == SpotClock.NO_TIME) {
      return new Unparsed(Unparsed.BAD_TIME);
    }
    int spotterEnd = Chars.trimEnd(s, spotterStart, end - 1);
    int spotterFrom = Chars.skipBlanks(s, spotterStart, spotterEnd);
    if (spotterFrom == spotterEnd || Chars.tokenEnd(s, spotterFrom, spotterEnd) != spotterEnd) {
      return new Unparsed(Unparsed.DX_NO_SPOTTER);
    }
    return SpotFactory.create(
        SpotFormat.SHOW_DX,
        Chars.upperSubstring(s, spotterFrom, spotterEnd),
        hz,
        s,
        callStart,
        callEnd,
        Chars.classesOf(s, callStart, callEnd),
        timeEnd,
        spotterStart - 1,
        SpotClock.atEpochDay(epochDay, minute),
        true,
        null,
        null,
        null,
        null);
  }
}
