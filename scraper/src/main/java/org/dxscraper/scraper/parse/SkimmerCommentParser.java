package org.dxscraper.scraper.parse;

/**
 * Reads the structured comment skimmers put on their spots. The shapes seen on the air:
 *
 * <ul>
 *   <li>RBN: {@code CW 24 dB 22 WPM NCDXF B}, {@code PSK31 44 dB 31 BPS CQ}, {@code FT8 -12 dB FK68
 *       CQ}
 *   <li>CC Cluster: {@code CW 4 dB 21 WPM CQ}, {@code RTTY - 8 dB CQ}, {@code RTTY +10 dB CQ},
 *       {@code FT8 -16 dB 928 Hz}, {@code CW 19 dB 23 WPM NCDXF BCN}
 *   <li>DXSpider relaying RBN: {@code CW 23dB Q:9* Z:20}, {@code FT8 -9dB Q:2+ Z:5}
 * </ul>
 *
 * A comment qualifies only when a mode word is followed by a signal report in dB; everything after
 * that is optional, and reading stops at the first word that fits none of the fields, so a human
 * comment never yields skimmer fields by accident.
 */
final class SkimmerCommentParser {

  /** Shared constants so that the common modes cost no allocation per spot. */
  private static final String[] KNOWN_MODES = {
    "CW", "RTTY", "FT8", "FT4", "PSK31", "PSK63", "PSK125", "JT65", "JT9", "MSK144", "Q65", "FST4"
  };

  private static final int MAX_MODE_LENGTH = 8;

  private SkimmerCommentParser() {}

  /** The skimmer fields of a whole comment; {@link #parse(char[], int, int)} does the work. */
  static SkimmerFields parse(String comment) {
    return parse(comment.toCharArray(), 0, comment.length());
  }

  /** The skimmer fields of the comment in {@code [from, end)}, trimmed, of a line's chars. */
  static SkimmerFields parse(char[] s, int from, int end) {
    int modeEnd = Chars.tokenEnd(s, from, end);
    if (!isModeWord(s, from, modeEnd)) {
      return SkimmerFields.NONE;
    }
    int i = Chars.skipBlanks(s, modeEnd, end);
    int sign = 1;
    if (i < end && (s[i] == '-' || s[i] == '+')) {
      sign = s[i] == '-' ? -1 : 1;
      // CC Cluster pads one-digit reports after the sign: "- 8 dB", "+ 9 dB".
      i = Chars.skipBlanks(s, i + 1, end);
    }
    int digitsEnd = i;
    while (digitsEnd < end && Chars.isDigit(s[digitsEnd])) {
      digitsEnd++;
    }
    if (digitsEnd == i || digitsEnd - i > 3) {
      return SkimmerFields.NONE;
    }
    int afterReport = afterDecibels(s, digitsEnd, end);
    if (afterReport < 0) {
      return SkimmerFields.NONE;
    }
    int snr = sign * Chars.parseDigits(s, i, digitsEnd);
    return readTail(s, afterReport, end, mode(s, from, modeEnd), snr);
  }

  /**
   * The index after "dB", which RBN and CC Cluster write as a word ("24 dB") and DXSpider glues to
   * the number ("23dB"); -1 when neither follows the number ending at {@code numberEnd}.
   */
  private static int afterDecibels(char[] s, int numberEnd, int end) {
    if (Chars.matchesAt(s, numberEnd, end, "dB")) {
      int after = numberEnd + 2;
      return after == end || Chars.isBlank(s[after]) ? after : -1;
    }
    if (numberEnd == end || !Chars.isBlank(s[numberEnd])) {
      return -1;
    }
    int wordStart = Chars.skipBlanks(s, numberEnd, end);
    int wordEnd = Chars.tokenEnd(s, wordStart, end);
    return Chars.equalsIgnoreCase(s, wordStart, wordEnd, "dB") ? wordEnd : -1;
  }

  private static SkimmerFields readTail(char[] s, int from, int end, String mode, int snr) {
    Tail tail = new Tail();
    int p = Chars.skipBlanks(s, from, end);
    while (p >= 0 && p < end) {
      p = tail.read(s, p, end);
    }
    return new SkimmerFields(mode, clampSnr(snr), tail.speed, tail.unit, tail.type, tail.grid);
  }

  /** The optional fields after the signal report, collected word by word in any order. */
  private static final class Tail {
    Integer speed;
    SpeedUnit unit;
    SpotType type;
    String grid;

    /** Reads the field at {@code p}; returns where the next one starts, or -1 to stop reading. */
    int read(char[] s, int p, int end) {
      int wordEnd = Chars.tokenEnd(s, p, end);
      int next = Chars.skipBlanks(s, wordEnd, end);
      int nextEnd = Chars.tokenEnd(s, next, end);
      int number = Chars.parseDigits(s, p, wordEnd);
      SpeedUnit speedUnit = number >= 0 ? speedUnit(s, next, nextEnd) : null;
      if (speedUnit != null) {
        if (speed == null && number <= Spot.MAX_SPEED) {
          speed = number;
          unit = speedUnit;
        }
        return Chars.skipBlanks(s, nextEnd, end);
      }
      // CC Cluster's FT8 spots carry the audio offset: "928 Hz". Not a speed; skipped.
      if (number >= 0 && Chars.equalsIgnoreCase(s, next, nextEnd, "Hz")) {
        return Chars.skipBlanks(s, nextEnd, end);
      }
      SpotType spotType = type == null ? spotType(s, p, wordEnd) : null;
      if (spotType != null) {
        type = spotType;
        // RBN writes "NCDXF B", CC Cluster "NCDXF BCN": the second word belongs to the type.
        boolean secondWord =
            Chars.equalsIgnoreCase(s, next, nextEnd, "B")
                || Chars.equalsIgnoreCase(s, next, nextEnd, "BCN");
        return spotType == SpotType.NCDXF && secondWord ? Chars.skipBlanks(s, nextEnd, end) : next;
      }
      if (grid == null && Chars.isGrid(s, p, wordEnd)) {
        // RBN's FT8 feed puts the DX station's locator where CW spots have the speed.
        grid = Chars.upperSubstring(s, p, wordEnd);
        return next;
      }
      return isDxSpiderAnnotation(s, p, wordEnd) ? next : -1;
    }
  }

  private static Integer clampSnr(int snr) {
    return snr < Spot.MIN_SNR_DB || snr > Spot.MAX_SNR_DB ? null : snr;
  }

  private static SpeedUnit speedUnit(char[] s, int from, int to) {
    if (Chars.equalsIgnoreCase(s, from, to, "WPM")) {
      return SpeedUnit.WPM;
    }
    if (Chars.equalsIgnoreCase(s, from, to, "BPS")) {
      return SpeedUnit.BPS;
    }
    return null;
  }

  private static SpotType spotType(char[] s, int from, int to) {
    if (Chars.equalsIgnoreCase(s, from, to, "CQ")) {
      return SpotType.CQ;
    }
    if (Chars.equalsIgnoreCase(s, from, to, "DX")) {
      return SpotType.DX;
    }
    if (Chars.equalsIgnoreCase(s, from, to, "BEACON")
        || Chars.equalsIgnoreCase(s, from, to, "BCN")) {
      return SpotType.BEACON;
    }
    if (Chars.equalsIgnoreCase(s, from, to, "NCDXF")) {
      return SpotType.NCDXF;
    }
    return null;
  }

  /** DXSpider's relayed RBN spots add the quality "Q:9*" and the zones heard "Z:5,14". */
  private static boolean isDxSpiderAnnotation(char[] s, int from, int to) {
    return to - from >= 2
        && s[from + 1] == ':'
        && (Chars.asciiUpper(s[from]) == 'Q' || Chars.asciiUpper(s[from]) == 'Z');
  }

  private static boolean isModeWord(char[] s, int from, int to) {
    int length = to - from;
    if (length < 2 || length > MAX_MODE_LENGTH || !Chars.isAsciiLetter(s[from])) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!Chars.isAsciiLetterOrDigit(s[i])) {
        return false;
      }
    }
    return true;
  }

  private static String mode(char[] s, int from, int modeEnd) {
    for (String known : KNOWN_MODES) {
      if (Chars.equalsIgnoreCase(s, from, modeEnd, known)) {
        return known;
      }
    }
    return Chars.upperSubstring(s, from, modeEnd);
  }

  /** The fields read from a skimmer comment; all null in {@link #NONE}. */
  record SkimmerFields(
      String mode,
      Integer snrDb,
      Integer speed,
      SpeedUnit speedUnit,
      SpotType spotType,
      String dxGrid) {

    static final SkimmerFields NONE = new SkimmerFields(null, null, null, null, null, null);
  }
}
