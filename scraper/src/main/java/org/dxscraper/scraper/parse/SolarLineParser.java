package org.dxscraper.scraper.parse;

import java.time.Instant;

/**
 * Reads WWV and WCY propagation reports:
 *
 * <pre>
 * WWV de VE7CC &lt;21&gt;:   SFI=70, A=12, K=3, No Storms -&gt; No Storms
 * WWV de VE7CC &lt;15Z&gt; :   SFI=68, A=9, K=2, No Storms -&gt; Minor w/G1
 * WCY de DK0WCY-1 &lt;22&gt; : K=9 expK=0 A=139 R=156 SFI=223 SA=maj GMF=sev Au=aurora
 * </pre>
 *
 * The body is a run of {@code KEY=value} words separated by blanks (WCY) or commas (WWV); the first
 * word without '=' starts the free-text forecast, which runs to the end of the line.
 */
final class SolarLineParser {

  static final String WWV_PREFIX = "WWV de";

  static final String WCY_PREFIX = "WCY de";

  private SolarLineParser() {}

  /** Parses {@code [start, end)}, which begins with the prefix of {@code bulletin}. */
  static ClusterMessage parse(
      char[] s, int start, int end, Instant receivedAt, SolarReport.Kind bulletin) {
    int stationStart = Chars.skipBlanks(s, start + WWV_PREFIX.length(), end);
    int stationEnd = stationStart;
    while (stationEnd < end && !isStationEnd(s[stationEnd])) {
      stationEnd++;
    }
    int open = Chars.skipBlanks(s, stationEnd, end);
    if (stationEnd == stationStart || open == end) {
      return new Unparsed(Unparsed.TRUNCATED);
    }
    int close = s[open] == '<' ? Chars.indexOf(s, '>', open, end) : -1;
    int hour = close < 0 ? -1 : hour(s, open + 1, close);
    if (hour < 0) {
      return new Unparsed(Unparsed.BAD_HOUR);
    }
    int bodyStart = Chars.skipBlanks(s, close + 1, end);
    if (bodyStart < end && s[bodyStart] == ':') {
      bodyStart = Chars.skipBlanks(s, bodyStart + 1, end);
    }
    if (bodyStart == end) {
      return new Unparsed(Unparsed.TRUNCATED);
    }
    Fields fields = new Fields();
    fields.read(s, bodyStart, end);
    return new SolarReport(
        bulletin,
        Chars.upperSubstring(s, stationStart, stationEnd),
        hour,
        SpotClock.onReceptionDay(receivedAt, hour * 60),
        fields.sfi,
        fields.aIndex,
        fields.kIndex,
        fields.expectedK,
        fields.r,
        fields.ssn,
        fields.sa,
        fields.gmf,
        fields.aurora,
        fields.forecast,
        Chars.substring(s, bodyStart, end));
  }

  private static boolean isStationEnd(char c) {
    return Chars.isBlank(c) || c == '<' || c == ':';
  }

  /**
   * DXSpider writes the hour bare ({@code <1>}, {@code <21>}), AR-Cluster with a 'Z' ({@code
   * <15Z>}).
   */
  private static int hour(char[] s, int from, int to) {
    int digitsEnd = to > from && Chars.asciiUpper(s[to - 1]) == 'Z' ? to - 1 : to;
    if (digitsEnd - from > 2) {
      return -1;
    }
    int hour = Chars.parseDigits(s, from, digitsEnd);
    return hour <= 23 ? hour : -1;
  }

  /** The values found in one report body; a fresh instance per line keeps the parser stateless. */
  private static final class Fields {
    Integer sfi;
    Integer aIndex;
    Integer kIndex;
    Integer expectedK;
    Integer r;
    Integer ssn;
    String sa;
    String gmf;
    String aurora;
    String forecast;

    void read(char[] s, int from, int end) {
      int p = skipSeparators(s, from, end);
      while (p < end) {
        int wordEnd = p;
        while (wordEnd < end && !isSeparator(s[wordEnd])) {
          wordEnd++;
        }
        int equals = Chars.indexOf(s, '=', p, wordEnd);
        if (equals < 0) {
          forecast = Chars.substring(s, p, end);
          return;
        }
        assign(s, p, equals, wordEnd);
        p = skipSeparators(s, wordEnd, end);
      }
    }

    /** Unknown keys are skipped: a node adding a field must not cost the ones we know. */
    private void assign(char[] s, int key, int equals, int end) {
      int value = equals + 1;
      if (Chars.equalsIgnoreCase(s, key, equals, "SFI")) {
        sfi = bounded(s, value, end, SolarReport.MAX_INDEX);
      } else if (Chars.equalsIgnoreCase(s, key, equals, "A")) {
        aIndex = bounded(s, value, end, SolarReport.MAX_INDEX);
      } else if (Chars.equalsIgnoreCase(s, key, equals, "K")) {
        kIndex = bounded(s, value, end, SolarReport.MAX_K);
      } else if (Chars.equalsIgnoreCase(s, key, equals, "expK")) {
        expectedK = bounded(s, value, end, SolarReport.MAX_K);
      } else if (Chars.equalsIgnoreCase(s, key, equals, "R")) {
        r = bounded(s, value, end, SolarReport.MAX_INDEX);
      } else if (Chars.equalsIgnoreCase(s, key, equals, "SSN")) {
        ssn = bounded(s, value, end, SolarReport.MAX_INDEX);
      } else if (Chars.equalsIgnoreCase(s, key, equals, "SA")) {
        sa = text(s, value, end);
      } else if (Chars.equalsIgnoreCase(s, key, equals, "GMF")) {
        gmf = text(s, value, end);
      } else if (Chars.equalsIgnoreCase(s, key, equals, "Au")) {
        aurora = text(s, value, end);
      }
    }

    /** The value when it is 0..max, else null: these go into smallint columns. */
    private static Integer bounded(char[] s, int from, int to, int max) {
      int value = Chars.parseDigits(s, from, to);
      return value >= 0 && value <= max ? value : null;
    }

    private static String text(char[] s, int from, int to) {
      return from < to ? Chars.substring(s, from, to) : null;
    }

    private static boolean isSeparator(char c) {
      return Chars.isBlank(c) || c == ',';
    }

    private static int skipSeparators(char[] s, int from, int end) {
      int p = from;
      while (p < end && isSeparator(s[p])) {
        p++;
      }
      return p;
    }
  }
}
