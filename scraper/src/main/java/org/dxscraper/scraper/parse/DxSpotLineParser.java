package org.dxscraper.scraper.parse;

import java.time.Instant;

/**
 * Reads a live {@code DX de} spot line.
 *
 * <p>DXSpider lays the line out in columns ({@code DX de } + spotter and ':' in 9, {@code %8.1f}
 * kHz, the call in 12, the comment in 30 or more, {@code HHMMZ}, then an optional grid or zone),
 * but real lines drift from them: long skimmer spotters push the frequency right, frequencies of
 * 100 MHz and more are wider, some nodes drop the colon. So the line is read from both ends:
 * spotter, frequency and call from the left as blank-separated words, the time and what follows it
 * from the right; what lies between is the comment, whatever it contains.
 */
final class DxSpotLineParser {

  static final String PREFIX = "DX de";

  private DxSpotLineParser() {}

  /**
   * Parses the line in {@code [start, end)}, which begins with {@link #PREFIX} and ends with its
   * last non-blank char.
   */
  static ClusterMessage parse(char[] s, int start, int end, Instant receivedAt) {
    int p = Chars.skipBlanks(s, start + PREFIX.length(), end);
    if (p == end) {
      return new Unparsed(Unparsed.TRUNCATED);
    }
    // One pass finds the spotter's end and whether it needs upper-casing.
    int spotterEnd = p;
    int spotterClasses = 0;
    while (spotterEnd < end && !Chars.isBlank(s[spotterEnd]) && s[spotterEnd] != ':') {
      spotterClasses |= Chars.classOf(s[spotterEnd]);
      spotterEnd++;
    }
    if (spotterEnd == p) {
      return new Unparsed(Unparsed.DX_NO_SPOTTER);
    }
    String spotter = Chars.upperSubstring(s, p, spotterEnd, spotterClasses);
    p = Chars.skipBlanks(s, spotterEnd, end);
    // Some nodes write "W4BEE :" and some no colon at all ("EI55WAW     7046.5").
    if (p < end && s[p] == ':') {
      p = Chars.skipBlanks(s, p + 1, end);
    }
    if (p == end) {
      return new Unparsed(Unparsed.TRUNCATED);
    }
    int frequencyEnd = Chars.tokenEnd(s, p, end);
    long hz = SpotFactory.hertz(s, p, frequencyEnd);
    if (hz < 0) {
      return new Unparsed(Unparsed.DX_NO_FREQUENCY);
    }
    int callStart = Chars.skipBlanks(s, frequencyEnd, end);
    if (callStart == end) {
      return new Unparsed(Unparsed.DX_NO_CALL);
    }
    // One pass finds the call's end and what upper-casing and judging it need.
    int callEnd = callStart;
    int callClasses = 0;
    while (callEnd < end && !Chars.isBlank(s[callEnd])) {
      callClasses |= Chars.classOf(s[callEnd]);
      callEnd++;
    }
    return readTail(s, callStart, callEnd, callClasses, end, receivedAt, spotter, hz);
  }

  /** Reads time, grid, zones and comment from {@code [callEnd, end)}, working from the right. */
  private static Spot readTail(
      char[] s,
      int callStart,
      int callEnd,
      int callClasses,
      int end,
      Instant receivedAt,
      String spotter,
      long hz) {
    int timeStart = -1;
    int suffixStart = -1;
    int lastStart = Chars.tokenStart(s, callEnd, end);
    if (end > callEnd && SpotClock.isZuluToken(s, lastStart, end)) {
      timeStart = lastStart;
    } else if (end > callEnd && end - lastStart <= 6) {
      // DXSpider adds the spotter's grid ("2200Z JO62") or zone ("2259Z 14") after the time.
      int previousEnd = Chars.trimEnd(s, callEnd, lastStart);
      int previousStart = Chars.tokenStart(s, callEnd, previousEnd);
      if (previousEnd > callEnd && SpotClock.isZuluToken(s, previousStart, previousEnd)) {
        timeStart = previousStart;
        suffixStart = lastStart;
      }
    }
    int commentEnd = timeStart >= 0 ? timeStart : end;
    String spotterGrid = null;
    Integer spotterZone = null;
    Integer dxZone = null;
    if (suffixStart >= 0) {
      if (Chars.isGrid(s, suffixStart, end)) {
        spotterGrid = Chars.upperSubstring(s, suffixStart, end);
      } else {
        spotterZone = SpotFactory.zone(s, suffixStart, end);
      }
    }
    if (spotterZone != null) {
      // With set/dxcq or set/dxitu DXSpider ends the comment with the DX zone: "... 16 2259Z 14".
      int zoneEnd = Chars.trimEnd(s, callEnd, timeStart);
      int zoneStart = Chars.tokenStart(s, callEnd, zoneEnd);
      dxZone = zoneEnd > callEnd ? SpotFactory.zone(s, zoneStart, zoneEnd) : null;
      if (dxZone != null) {
        commentEnd = zoneStart;
      }
    }
    int minute = timeStart >= 0 ? SpotClock.minuteOfDay(s, timeStart, end) : SpotClock.NO_TIME;
    boolean timeFromLine = minute != SpotClock.NO_TIME;
    Instant spottedAt =
        timeFromLine
            ? SpotClock.onReceptionDay(receivedAt, minute)
            : SpotClock.receptionMinute(receivedAt);
    return SpotFactory.create(
        SpotFormat.DX_DE,
        spotter,
        hz,
        s,
        callStart,
        callEnd,
        callClasses,
        callEnd,
        commentEnd,
        spottedAt,
        timeFromLine,
        spotterGrid,
        null,
        spotterZone,
        dxZone);
  }
}
