package org.dxscraper.scraper.parse;

import java.time.Instant;
import java.util.Objects;

/**
 * Classifies one line of DX cluster output (DXSpider, AR-Cluster, CC Cluster, RBN) into a {@link
 * ClusterMessage}.
 *
 * <p>Contract: pure (no I/O, no clock; the reception time is an argument) and stateless, so one
 * instance may be shared by any number of threads. It never throws on any line content: a line it
 * cannot read comes back as {@link Unparsed} with a stable reason. Only null arguments throw.
 *
 * <p>The line is a decoded string (UTF-8 where the node sent valid UTF-8, else Latin-1, so any char
 * may occur), normally with CR, LF and the BEL bytes DXSpider appends already stripped; trailing
 * CR, BEL and blanks are stripped here too. Control chars and the space separate fields; every
 * other char, 0x7F and above included, is text and never ends a field, so multi-byte chars in a
 * comment move nothing. A line holding a NUL is {@link Unparsed#NUL} as a whole. Lines are read by
 * scanning a copy of the line's chars in a buffer of the calling thread's, without regexes, and
 * allocate only the strings and records they return: about 5 million {@code DX de} lines per second
 * on one core (JDK 25, the fixture corpus in a loop), five times the 1 M/s the daemon budgets.
 */
public final class LineParser {

  /**
   * Lines up to this many chars are copied into the thread's buffer; a longer one (a node's default
   * {@code --max-line-length} is 2,048 bytes, spots are under 100) gets an array of its own, so
   * that one freak line does not leave every thread holding a large buffer.
   */
  static final int BUFFERED_CHARS = 2048;

  /**
   * The copy every line is scanned in. Per thread, because a parser may be shared by threads (the
   * contract above; the daemon parses on its event loop). A new {@code char[]} per line was a third
   * of the parser's allocation (160 of 447 bytes a line, JMH {@code -prof gc}) and the collector's
   * work that comes with it. No reader keeps the array: records hold strings made from it, and
   * every reader stays within the line's {@code [start, end)}.
   */
  private static final ThreadLocal<char[]> BUFFER =
      ThreadLocal.withInitial(() -> new char[BUFFERED_CHARS]);

  /**
   * Classifies {@code line}, received at {@code receivedAt}; lines that carry only {@code HHMMZ}
   * take their date from it.
   *
   * @throws NullPointerException if an argument is null
   */
  public ClusterMessage parse(String line, Instant receivedAt) {
    Objects.requireNonNull(line, "line must not be null");
    Objects.requireNonNull(receivedAt, "receivedAt must not be null");
    // String.indexOf(char) is a vectorised intrinsic: a few ns for a spot line.
    if (line.indexOf('\0') >= 0) {
      return new Unparsed(Unparsed.NUL);
    }
    // The readers scan a copy: see Chars for why not String.charAt. They read [start, end) only,
    // never the buffer's length, so what an earlier, longer line left behind is never seen.
    int length = line.length();
    char[] chars = length <= BUFFERED_CHARS ? BUFFER.get() : new char[length];
    line.getChars(0, length, chars, 0);
    int end = Chars.trimmedEnd(chars, length);
    int start = Chars.skipBlanks(chars, 0, end);
    if (start == end) {
      return new Unparsed(Unparsed.EMPTY);
    }
    try {
      ClusterMessage message = byFirstWord(chars, start, end, receivedAt);
      if (message == null) {
        message = TextLineParser.talkOrPromptOrNull(chars, start, end);
      }
      return message != null ? message : new Unparsed(Unparsed.UNKNOWN_LINE);
    } catch (RuntimeException e) {
      // The readers are fuzzed to never get here; if one still does, a bug costs one line (counted
      // under its own reason) instead of the session that delivered it.
      return new Unparsed(Unparsed.INTERNAL_ERROR);
    }
  }

  /**
   * True when {@code line} starts like something a node broadcasts or sends as history, whether or
   * not the rest could be read: {@code DX de}, {@code WWV de}, {@code WCY de}, {@code WX de},
   * {@code To ALL de} / {@code To LOCAL de} (any case), {@code CC11^}, or a number and a blank (a
   * {@code sh/dx} history line's frequency), after leading blanks. A line that parsed as {@link
   * Unparsed#UNKNOWN_LINE} and does not start like this is the node's own text: its banner, motd,
   * prompts and replies to commands.
   */
  public static boolean startsLikeBroadcast(String text) {
    char[] line = text.toCharArray();
    int end = line.length;
    int start = Chars.skipBlanks(line, 0, end);
    if (start == end) {
      return false;
    }
    if (Chars.isDigit(line[start])) {
      return startsWithNumber(line, start, end);
    }
    if (isHeader(line, start, end, DxSpotLineParser.PREFIX)
        || isHeader(line, start, end, SolarLineParser.WWV_PREFIX)
        || isHeader(line, start, end, SolarLineParser.WCY_PREFIX)
        || isHeader(line, start, end, TextLineParser.WX_PREFIX)
        || Chars.startsWith(line, start, end, Cc11LineParser.PREFIX)) {
      return true;
    }
    if (!Chars.startsWith(line, start, end, TextLineParser.ANNOUNCE_PREFIX)) {
      return false;
    }
    int scopeStart = Chars.skipBlanks(line, start + TextLineParser.ANNOUNCE_PREFIX.length(), end);
    int scopeEnd = Chars.tokenEnd(line, scopeStart, end);
    int deStart = Chars.skipBlanks(line, scopeEnd, end);
    return (Chars.equalsIgnoreCase(line, scopeStart, scopeEnd, "ALL")
            || Chars.equalsIgnoreCase(line, scopeStart, scopeEnd, "LOCAL"))
        && Chars.equalsIgnoreCase(line, deStart, Chars.tokenEnd(line, deStart, end), "de");
  }

  /** Digits, optionally a '.' and more digits, then a blank: "14025.0 ", not "24-Nov-2026". */
  private static boolean startsWithNumber(char[] s, int start, int end) {
    int i = start;
    while (i < end && Chars.isDigit(s[i])) {
      i++;
    }
    if (i < end && s[i] == '.') {
      i++;
      while (i < end && Chars.isDigit(s[i])) {
        i++;
      }
    }
    return i < end && Chars.isBlank(s[i]);
  }

  /**
   * The message for lines whose first word names their kind, or null. Dispatching on the first char
   * keeps the common case (a spot) to one comparison before the real work.
   */
  private static ClusterMessage byFirstWord(char[] s, int start, int end, Instant receivedAt) {
    char first = s[start];
    if (Chars.isDigit(first)) {
      return HistoryLineParser.parseOrNull(s, start, end);
    }
    switch (first) {
      case 'D':
        if (isHeader(s, start, end, DxSpotLineParser.PREFIX)) {
          return DxSpotLineParser.parse(s, start, end, receivedAt);
        }
        return null;
      case 'C':
        if (Chars.startsWith(s, start, end, Cc11LineParser.PREFIX)) {
          return Cc11LineParser.parse(s, start, end);
        }
        return null;
      case 'W':
        return weatherOrNull(s, start, end, receivedAt);
      case 'T':
        if (Chars.startsWith(s, start, end, TextLineParser.ANNOUNCE_PREFIX)) {
          return TextLineParser.announcementOrNull(s, start, end, receivedAt);
        }
        return null;
      default:
        return null;
    }
  }

  private static ClusterMessage weatherOrNull(char[] s, int start, int end, Instant receivedAt) {
    if (isHeader(s, start, end, SolarLineParser.WWV_PREFIX)) {
      return SolarLineParser.parse(s, start, end, receivedAt, SolarReport.Kind.WWV);
    }
    if (isHeader(s, start, end, SolarLineParser.WCY_PREFIX)) {
      return SolarLineParser.parse(s, start, end, receivedAt, SolarReport.Kind.WCY);
    }
    if (isHeader(s, start, end, TextLineParser.WX_PREFIX)) {
      return TextLineParser.wx(s, start, end);
    }
    return null;
  }

  /**
   * True when the line starts with {@code prefix} ("DX de") followed by a blank or the end, so that
   * a talk from a call such as "DX0DX" is not taken for a spot.
   */
  private static boolean isHeader(char[] s, int start, int end, String prefix) {
    int after = start + prefix.length();
    return Chars.startsWith(s, start, end, prefix) && (after >= end || Chars.isBlank(s[after]));
  }
}
