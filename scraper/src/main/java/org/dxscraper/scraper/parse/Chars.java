package org.dxscraper.scraper.parse;

import java.util.Arrays;

/**
 * Character scanning over a line, by index, so that a line is parsed without regexes and with a
 * string only for the fields that end up in a record.
 *
 * <p>The line is scanned as a {@code char[]} copy ({@code String.getChars}), not through {@code
 * String.charAt}: with compact strings every {@code charAt} branches on the string's coder, and the
 * parser reads each line's chars a few hundred times. Those branches, and the inlined code they
 * bloat, were most of the parser's time (JMH LineParserBenchmark: 3.9 M lines/s through {@code
 * charAt}, 5.4 M/s with -XX:-CompactStrings, 4.4 M/s on the copy). The copy costs a vectorised
 * inflation per line into a buffer the thread keeps ({@code LineParser}); the strings the records
 * keep are made from it with {@code new String(char[], ...)}, exact for every char.
 *
 * <p>Every method takes a half-open range {@code [from, to)} and never reads outside it, so callers
 * can work on the trimmed part of a line without copying it.
 */
final class Chars {

  private Chars() {}

  /**
   * Blank is every control char and the space. BEL (0x07) ends DXSpider broadcasts and NUL or other
   * control bytes are noise; none of them carries a field. Latin-1 letters (0x80-0xFF) are text.
   */
  static boolean isBlank(char c) {
    return c <= ' ';
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  static boolean isAsciiLetterOrDigit(char c) {
    return isAsciiLetter(c) || isDigit(c);
  }

  static char asciiUpper(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
  }

  /** The index after the last non-blank char of {@code [0, to)}, 0 when it is blank. */
  static int trimmedEnd(char[] s, int to) {
    int end = to;
    while (end > 0 && isBlank(s[end - 1])) {
      end--;
    }
    return end;
  }

  static int skipBlanks(char[] s, int from, int to) {
    int i = from;
    while (i < to && isBlank(s[i])) {
      i++;
    }
    return i;
  }

  /** The index of the first blank at or after {@code from}, or {@code to}. */
  static int tokenEnd(char[] s, int from, int to) {
    int i = from;
    while (i < to && !isBlank(s[i])) {
      i++;
    }
    return i;
  }

  /** The index after the last non-blank char before {@code to}, not below {@code from}. */
  static int trimEnd(char[] s, int from, int to) {
    int i = to;
    while (i > from && isBlank(s[i - 1])) {
      i--;
    }
    return i;
  }

  /** The start index of the token that ends at {@code tokenEnd}, not below {@code from}. */
  static int tokenStart(char[] s, int from, int tokenEnd) {
    int i = tokenEnd;
    while (i > from && !isBlank(s[i - 1])) {
      i--;
    }
    return i;
  }

  /** The range without its leading and trailing blanks, as a string; "" when all blank. */
  static String trimmedSubstring(char[] s, int from, int to) {
    int start = skipBlanks(s, from, to);
    int stop = trimEnd(s, start, to);
    return start == stop ? "" : new String(s, start, stop - start);
  }

  /** The index of the first {@code c} in {@code [from, to)}, or -1. */
  static int indexOf(char[] s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the last {@code c} in {@code [from, to)}, or -1. */
  static int lastIndexOf(char[] s, char c, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** True when {@code prefix} (case and all) is at {@code at}, within {@code [at, to)}. */
  static boolean startsWith(char[] s, int at, int to, String prefix) {
    if (at < 0 || at + prefix.length() > to) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (s[at + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The index of the first {@code word} (case and all) within {@code [from, to)}, or -1. */
  static int indexOf(char[] s, String word, int from, int to) {
    for (int i = Math.max(from, 0); i + word.length() <= to; i++) {
      if (startsWith(s, i, to, word)) {
        return i;
      }
    }
    return -1;
  }

  /** The chars of {@code [from, to)} as a string. */
  static String substring(char[] s, int from, int to) {
    return new String(s, from, to - from);
  }

  /** ASCII case-insensitive match of {@code word} at {@code at}, within {@code to}. */
  static boolean matchesAt(char[] s, int at, int to, String word) {
    return at >= 0 && at + word.length() <= to && regionMatchesAscii(s, at, word);
  }

  /** True when {@code [from, to)} is exactly {@code word}, ignoring ASCII case. */
  static boolean equalsIgnoreCase(char[] s, int from, int to, String word) {
    return to - from == word.length() && regionMatchesAscii(s, from, word);
  }

  /** ASCII case-insensitive search for {@code word} anywhere in {@code [from, to)}. */
  static boolean containsIgnoreCase(char[] s, int from, int to, String word) {
    int last = to - word.length();
    for (int i = from; i <= last; i++) {
      if (regionMatchesAscii(s, i, word)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code word} at {@code s[at..]}, letters compared without regard to ASCII case; the caller has
   * checked that it fits. {@code String.regionMatches(true, ...)} folds case through {@code
   * Character} for every character and was a quarter of the parser's time (JMH stack profile of
   * LineParserBenchmark); the lines and words here are ASCII, where one bit is the case.
   */
  static boolean regionMatchesAscii(char[] s, int at, String word) {
    for (int i = 0; i < word.length(); i++) {
      char a = s[at + i];
      char b = word.charAt(i);
      if (a != b) {
        int lower = a | 0x20;
        if (lower != (b | 0x20) || lower < 'a' || lower > 'z') {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The non-negative number written with only digits in {@code [from, to)}, or -1 when the range is
   * empty, holds anything else or has more than 9 digits (so the value always fits an int).
   */
  static int parseDigits(char[] s, int from, int to) {
    if (from >= to || to - from > 9) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s[i];
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * Upper-cases ASCII letters only: {@code String.toUpperCase} would turn a Latin-1 'ß' into "SS"
   * and change the length of a call, and would depend on the default locale (Turkish 'i').
   */
  static String upperSubstring(char[] s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s[i];
      if (c >= 'a' && c <= 'z') {
        char[] upper = Arrays.copyOfRange(s, from, to);
        for (int j = i - from; j < upper.length; j++) {
          upper[j] = asciiUpper(upper[j]);
        }
        return new String(upper);
      }
    }
    return new String(s, from, to - from);
  }

  /** A Maidenhead locator of 4 or 6 chars: field AA-RR, square 00-99, optional subsquare aa-xx. */
  static boolean isGrid(char[] s, int from, int to) {
    int length = to - from;
    if (length != 4 && length != 6) {
      return false;
    }
    if (!isFieldLetter(s[from]) || !isFieldLetter(s[from + 1])) {
      return false;
    }
    if (!isDigit(s[from + 2]) || !isDigit(s[from + 3])) {
      return false;
    }
    return length == 4 || (isSubsquareLetter(s[from + 4]) && isSubsquareLetter(s[from + 5]));
  }

  private static boolean isFieldLetter(char c) {
    char upper = asciiUpper(c);
    return upper >= 'A' && upper <= 'R';
  }

  private static boolean isSubsquareLetter(char c) {
    char upper = asciiUpper(c);
    return upper >= 'A' && upper <= 'X';
  }

  /** {@link #classesOf} bit: an ASCII lower-case letter, which upper-casing changes. */
  static final int LOWER = 1;

  /** {@link #classesOf} bit: an ASCII letter of either case. */
  static final int LETTER = 2;

  static final int DIGIT = 4;

  static final int SLASH = 8;

  /** {@link #classesOf} bit: any other char, non-ASCII ones included. */
  static final int OTHER = 16;

  private static final byte[] ASCII_CLASSES = new byte[128];

  static {
    for (char c = 0; c < 128; c++) {
      int classes = OTHER;
      if (c >= 'a' && c <= 'z') {
        classes = LOWER | LETTER;
      } else if (c >= 'A' && c <= 'Z') {
        classes = LETTER;
      } else if (isDigit(c)) {
        classes = DIGIT;
      } else if (c == '/') {
        classes = SLASH;
      }
      ASCII_CLASSES[c] = (byte) classes;
    }
  }

  /** The {@link #LOWER}, {@link #LETTER}, ... bits of {@code c}. */
  static int classOf(char c) {
    return c < ASCII_CLASSES.length ? ASCII_CLASSES[c] : OTHER;
  }

  /**
   * The {@link #LOWER}, {@link #LETTER}, ... bits of every char of {@code [from, to)} or-ed
   * together: one pass without a branch on the chars tells whether a call needs upper-casing and
   * whether it is shaped like one. A loop per question costs a pass and a mispredicted exit each
   * (calls vary in length), and the DX line reader now finds the bits in the loop that finds the
   * call's end: LineParserBenchmark's mix, old and new code timed alternately in one JVM, 150
   * slices of 200 ms, median new/old 1.10 with {@code Word.of}'s keys, 1.09 without this fusion.
   */
  static int classesOf(char[] s, int from, int to) {
    int classes = 0;
    for (int i = from; i < to; i++) {
      classes |= classOf(s[i]);
    }
    return classes;
  }

  /**
   * True when {@code [from, to)}, upper-cased, looks like a callsign: at least 3 chars of A-Z, 0-9
   * and '/', with a letter and a digit, not starting or ending with '/'. Words people put in the
   * call column ("CQ", "TU", "I") fail it; so do SSIDs, which are a spotter's, not a DX station's.
   * {@code classes} is the range's {@link #classesOf}, which the caller finds while it scans.
   */
  static boolean isCallShaped(char[] s, int from, int to, int classes) {
    if (to - from < 3 || s[from] == '/' || s[to - 1] == '/') {
      return false;
    }
    return (classes & (LETTER | DIGIT | OTHER)) == (LETTER | DIGIT);
  }

  /**
   * {@code [from, to)} as a string, upper-cased (ASCII letters only, as {@link #upperSubstring})
   * when its {@link #classesOf} has {@link #LOWER}; saves {@code upperSubstring}'s search for a
   * lower-case letter where the caller has classified the chars already.
   */
  static String upperSubstring(char[] s, int from, int to, int classes) {
    return (classes & LOWER) != 0 ? upperSubstring(s, from, to) : substring(s, from, to);
  }
}
