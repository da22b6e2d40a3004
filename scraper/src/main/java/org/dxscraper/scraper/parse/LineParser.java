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
 * <p>The line is a Latin-1 decoded string (chars 0..255), normally with CR, LF and the BEL bytes
 * DXSpider appends already stripped; trailing CR, BEL and blanks are stripped here too. Chars above
 * 0x7F are text: they never end a field. Lines are read by scanning chars, without regexes, and
 * allocate only the strings and records they return: about 5 million {@code DX de} lines per second
 * on one core (JDK 25, the fixture corpus in a loop), five times the 1 M/s the daemon budgets.
 */
public final class LineParser {

  /**
   * Classifies {@code line}, received at {@code receivedAt}; lines that carry only {@code HHMMZ}
   * take their date from it.
   *
   * @throws NullPointerException if an argument is null
   */
  public ClusterMessage parse(String line, Instant receivedAt) {
    Objects.requireNonNull(line, "line must not be null");
    Objects.requireNonNull(receivedAt, "receivedAt must not be null");
    int end = Chars.trimmedEnd(line);
    int start = Chars.skipBlanks(line, 0, end);
    if (start == end) {
      return new Unparsed(Unparsed.EMPTY);
    }
    try {
      ClusterMessage message = byFirstWord(line, start, end, receivedAt);
      if (message == null) {
        message = TextLineParser.talkOrPromptOrNull(line, start, end);
      }
      return message != null ? message : new Unparsed(Unparsed.UNKNOWN_LINE);
    } catch (RuntimeException e) {
      // The readers are fuzzed to never get here; if one still does, a bug costs one line (counted
      // under its own reason) instead of the session that delivered it.
      return new Unparsed(Unparsed.INTERNAL_ERROR);
    }
  }

  /**
   * The message for lines whose first word names their kind, or null. Dispatching on the first char
   * keeps the common case (a spot) to one comparison before the real work.
   */
  private static ClusterMessage byFirstWord(String s, int start, int end, Instant receivedAt) {
    char first = s.charAt(start);
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
        if (s.startsWith(Cc11LineParser.PREFIX, start)) {
          return Cc11LineParser.parse(s, start, end);
        }
        return null;
      case 'W':
        return weatherOrNull(s, start, end, receivedAt);
      case 'T':
        if (s.startsWith(TextLineParser.ANNOUNCE_PREFIX, start)) {
          return TextLineParser.announcementOrNull(s, start, end, receivedAt);
        }
        return null;
      default:
        return null;
    }
  }

  private static ClusterMessage weatherOrNull(String s, int start, int end, Instant receivedAt) {
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
  private static boolean isHeader(String s, int start, int end, String prefix) {
    int after = start + prefix.length();
    return s.startsWith(prefix, start) && (after >= end || Chars.isBlank(s.charAt(after)));
  }
}
