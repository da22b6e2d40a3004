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

  /** {@link #KNOWN_MODES} as {@link #asciiKey}s, index for index. */
  private static final long[] KNOWN_MODE_KEYS = new long[KNOWN_MODES.length];

  static {
    for (int i = 0; i < KNOWN_MODES.length; i++) {
      KNOWN_MODE_KEYS[i] = asciiKey(KNOWN_MODES[i].toCharArray(), 0, KNOWN_MODES[i].length());
    }
  }

  /** Also the longest word an {@link #asciiKey} holds. */
  private static final int MAX_MODE_LENGTH = 8;

  private SkimmerCommentParser() {}

  /** The skimmer fields of a whole comment; {@link #parse(char[], int, int)} does the work. */
  static SkimmerFields parse(String comment) {
    return parse(comment.toCharArray(), 0, comment.length());
  }

  /** The skimmer fields of the comment in {@code [from, end)}, trimmed, of a line's chars. */
  static SkimmerFields parse(char[] s, int from, int end) {
    int modeEnd = modeWordEnd(s, from, end);
    if (modeEnd < 0) {
      return SkimmerFields.NONE;
    }
    int i = Chars.skipBlanks(s, modeEnd, end);
    int sign = 1;
    if (i < end && (s[i] == '-' || s[i] == '+')) {
      sign = s[i] == '-' ? -1 : 1;
      // CC Cluster pads one-digit reports after the sign: "- 8 dB", "+ 9 dB".
      i = Chars.skipBlanks(s, i + 1, end);
    }
    // The report's value is summed up in the same pass that finds its end; it is used only when
    // there are 1 to 3 digits, so a longer run that overflows the sum does no harm.
    int digitsEnd = i;
    int report = 0;
    while (digitsEnd < end && Chars.isDigit(s[digitsEnd])) {
      report = report * 10 + (s[digitsEnd] - '0');
      digitsEnd++;
    }
    if (digitsEnd == i || digitsEnd - i > 3) {
      return SkimmerFields.NONE;
    }
    int afterReport = afterDecibels(s, digitsEnd, end);
    if (afterReport < 0) {
      return SkimmerFields.NONE;
    }
    return readTail(s, afterReport, end, mode(s, from, modeEnd), sign * report);
  }

  /**
   * The end of the mode word at {@code from}: 2 to {@value #MAX_MODE_LENGTH} ASCII letters and
   * digits, a letter first, then a blank or the end of the comment; -1 when there is none. One
   * pass: the run of letters and digits is the word exactly when a blank or the end follows it.
   */
  private static int modeWordEnd(char[] s, int from, int end) {
    int i = from;
    while (i < end && Chars.isAsciiLetterOrDigit(s[i])) {
      i++;
    }
    int length = i - from;
    boolean wordEnds = i == end || Chars.isBlank(s[i]);
    return wordEnds && length >= 2 && length <= MAX_MODE_LENGTH && Chars.isAsciiLetter(s[from])
        ? i
        : -1;
  }

  /**
   * The index after "dB", which DXSpider glues to the number ("23dB") and RBN and CC Cluster write
   * as a word of its own ("24 dB"); -1 when neither follows the number ending at {@code numberEnd},
   * or when more follows "dB" before a blank ("23dBm").
   */
  private static int afterDecibels(char[] s, int numberEnd, int end) {
    int unit =
        numberEnd < end && Chars.isBlank(s[numberEnd])
            ? Chars.skipBlanks(s, numberEnd, end)
            : numberEnd;
    int after = unit + 2;
    return Chars.matchesAt(s, unit, end, "dB") && (after == end || Chars.isBlank(s[after]))
        ? after
        : -1;
  }

  /**
   * Reads the optional fields after the signal report, word by word in any order, until a word fits
   * none of them. Each word is scanned once: the loop carries the end of the word it stands on.
   */
  private static SkimmerFields readTail(char[] s, int from, int end, String mode, int snr) {
    int speed = -1;
    SpeedUnit unit = null;
    SpotType type = null;
    String grid = null;
    int p = Chars.skipBlanks(s, from, end);
    int wordEnd = Chars.tokenEnd(s, p, end);
    while (p < end) {
      int next = Chars.skipBlanks(s, wordEnd, end);
      int nextEnd = Chars.tokenEnd(s, next, end);
      boolean twoWords;
      int number = Chars.parseDigits(s, p, wordEnd);
      if (number >= 0) {
        Word after = Word.of(s, next, nextEnd);
        SpeedUnit speedUnit =
            after == Word.WPM ? SpeedUnit.WPM : after == Word.BPS ? SpeedUnit.BPS : null;
        if (speedUnit != null) {
          if (speed < 0 && number <= Spot.MAX_SPEED) {
            speed = number;
            unit = speedUnit;
          }
        } else if (after != Word.HZ) {
          // CC Cluster's FT8 spots carry the audio offset: "928 Hz". Not a speed; skipped. Any
          // other number ends the fields.
          break;
        }
        twoWords = true;
      } else {
        SpotType spotType = type == null ? Word.of(s, p, wordEnd).spotType : null;
        if (spotType != null) {
          type = spotType;
          // RBN writes "NCDXF B", CC Cluster "NCDXF BCN": the second word belongs to the type.
          Word second = spotType == SpotType.NCDXF ? Word.of(s, next, nextEnd) : null;
          twoWords = second == Word.B || second == Word.BCN;
        } else if (grid == null && Chars.isGrid(s, p, wordEnd)) {
          // RBN's FT8 feed puts the DX station's locator where CW spots have the speed.
          grid = Chars.upperSubstring(s, p, wordEnd);
          twoWords = false;
        } else if (isDxSpiderAnnotation(s, p, wordEnd)) {
          twoWords = false;
        } else {
          break;
        }
      }
      if (twoWords) {
        p = Chars.skipBlanks(s, nextEnd, end);
        wordEnd = Chars.tokenEnd(s, p, end);
      } else {
        p = next;
        wordEnd = nextEnd;
      }
    }
    Integer speedOrNull = speed < 0 ? null : speed;
    return new SkimmerFields(mode, clampSnr(snr), speedOrNull, unit, type, grid);
  }

  private static Integer clampSnr(int snr) {
    return snr < Spot.MIN_SNR_DB || snr > Spot.MAX_SNR_DB ? null : snr;
  }

  /**
   * The words of a skimmer comment's tail, matched without regard to ASCII case. One table lookup
   * instead of a comparison per word keeps the inlined reader small (C2 inlines the whole DX line
   * reader into one compilation, and past its node budget it leaves calls in the hot loops).
   */
  private enum Word {
    WPM("WPM", null),
    BPS("BPS", null),
    HZ("Hz", null),
    CQ("CQ", SpotType.CQ),
    DX("DX", SpotType.DX),
    BEACON("BEACON", SpotType.BEACON),
    BCN("BCN", SpotType.BEACON),
    NCDXF("NCDXF", SpotType.NCDXF),
    B("B", null),
    OTHER("", null);

    private static final Word[] KNOWN = {WPM, BPS, HZ, CQ, DX, BEACON, BCN, NCDXF, B};

    private final long key;

    /** The spot type the word names alone, or null. */
    final SpotType spotType;

    Word(String text, SpotType spotType) {
      this.key = asciiKey(text.toCharArray(), 0, text.length());
      this.spotType = spotType;
    }

    static Word of(char[] s, int from, int to) {
      long key = asciiKey(s, from, to);
      for (Word word : KNOWN) {
        if (word.key == key) {
          return word;
        }
      }
      return OTHER;
    }
  }

  /**
   * The word in {@code [from, to)} upper-cased, one ASCII char per byte of a long, so that finding
   * it among the known words is a comparison of longs per word, not a loop over chars per word; 0
   * when the word is empty, longer than {@value #MAX_MODE_LENGTH} chars or not ASCII, so matches no
   * known word. A word holds no NUL (a blank), so no two words share a key; and ASCII case folding
   * of letters is exactly {@link Chars#equalsIgnoreCase}. Finding the mode and the tail's words by
   * key was 7% more lines/s than {@code equalsIgnoreCase} against each (LineParserBenchmark's mix,
   * old and new code timed alternately in one JVM, median of 150 slices of 200 ms: 1.015 to 1.09).
   */
  static long asciiKey(char[] s, int from, int to) {
    if (to - from > MAX_MODE_LENGTH) {
      return 0;
    }
    long key = 0;
    for (int i = from; i < to; i++) {
      char c = s[i];
      if (c > 0x7F) {
        return 0;
      }
      key = key << 8 | Chars.asciiUpper(c);
    }
    return key;
  }

  /** DXSpider's relayed RBN spots add the quality "Q:9*" and the zones heard "Z:5,14". */
  private static boolean isDxSpiderAnnotation(char[] s, int from, int to) {
    return to - from >= 2
        && s[from + 1] == ':'
        && (Chars.asciiUpper(s[from]) == 'Q' || Chars.asciiUpper(s[from]) == 'Z');
  }

  private static String mode(char[] s, int from, int modeEnd) {
    long key = asciiKey(s, from, modeEnd);
    for (int i = 0; i < KNOWN_MODE_KEYS.length; i++) {
      if (KNOWN_MODE_KEYS[i] == key) {
        return KNOWN_MODES[i];
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
