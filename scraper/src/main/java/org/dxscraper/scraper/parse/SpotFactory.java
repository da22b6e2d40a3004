package org.dxscraper.scraper.parse;

import java.time.Instant;

/** What the three spot formats share: the frequency field and the assembly of a {@link Spot}. */
final class SpotFactory {

  /**
   * 9 integer digits of kHz reach 1 THz, far above any amateur band, and are what the spot table's
   * numeric(12, 3) holds: a tenth digit would make the database refuse the row.
   */
  private static final int MAX_KHZ_DIGITS = 9;

  private SpotFactory() {}

  /**
   * The frequency in Hz of a kHz field in {@code [from, to)} such as "14025.0", "7018.25",
   * "10489540.0" or "7074", exact to the Hz (digits after the third decimal are dropped); -1 when
   * the field is not a positive number.
   */
  static long hertz(char[] s, int from, int to) {
    int i = from;
    long khz = 0;
    while (i < to && Chars.isDigit(s[i])) {
      if (i - from == MAX_KHZ_DIGITS) {
        return -1;
      }
      khz = khz * 10 + (s[i] - '0');
      i++;
    }
    if (i == from) {
      return -1;
    }
    long hz = khz * 1000;
    if (i < to && s[i] == '.') {
      i++;
      long scale = 100;
      while (i < to && Chars.isDigit(s[i])) {
        hz += (s[i] - '0') * scale;
        scale /= 10;
        i++;
      }
    }
    return i == to && hz > 0 ? hz : -1;
  }

  /**
   * Builds a spot whose DX call is {@code [callFrom, callTo)} of the line, upper-cased ({@code
   * callClasses} is its {@link Chars#classesOf}, which the caller finds while it scans the call),
   * and whose comment is {@code [commentFrom, commentTo)}, trimmed, reading the skimmer fields from
   * the comment when the spotter is a skimmer ({@code -#}, {@link Spot#skimmer()}). People write
   * skimmer-like comments too (DXSpider's own capture: {@code FT8 -12dB this comment is long} by
   * N1SPOT): their "-12dB" is a report heard by ear or copied from a screen, not a measured SNR, so
   * it fills no skimmer column; the mode word in such a comment is still found later, from the
   * comment itself. Every skimmer-shaped comment in the public captures (RBN, CC Cluster, DXSpider
   * relaying RBN) comes from a {@code -#} spotter.
   */
  static Spot create(
      SpotFormat format,
      String spotter,
      long frequencyHz,
      char[] line,
      int callFrom,
      int callTo,
      int callClasses,
      int commentFrom,
      int commentTo,
      Instant spottedAt,
      boolean timeFromLine,
      String spotterGrid,
      String dxGrid,
      Integer spotterZone,
      Integer dxZone) {
    int commentStart = Chars.skipBlanks(line, commentFrom, commentTo);
    int commentEnd = Chars.trimEnd(line, commentStart, commentTo);
    SkimmerCommentParser.SkimmerFields skimmer =
        Spot.isSkimmer(spotter)
            ? SkimmerCommentParser.parse(line, commentStart, commentEnd)
            : SkimmerCommentParser.SkimmerFields.NONE;
    return new Spot(
        format,
        spotter,
        frequencyHz,
        Chars.upperSubstring(line, callFrom, callTo, callClasses),
        // Trimmed above, so no trimmedSubstring testing both ends again.
        commentStart == commentEnd ? "" : Chars.substring(line, commentStart, commentEnd),
        spottedAt,
        timeFromLine,
        spotterGrid,
        dxGrid != null ? dxGrid : skimmer.dxGrid(),
        spotterZone,
        dxZone,
        skimmer.mode(),
        skimmer.snrDb(),
        skimmer.speed(),
        skimmer.speedUnit(),
        skimmer.spotType(),
        !Chars.isCallShaped(line, callFrom, callTo, callClasses));
  }

  /** A zone number 1..90 written as 1 or 2 digits, or null. */
  static Integer zone(char[] s, int from, int to) {
    if (to - from > 2) {
      return null;
    }
    int zone = Chars.parseDigits(s, from, to);
    return zone >= 1 && zone <= Spot.MAX_ZONE ? zone : null;
  }
}
