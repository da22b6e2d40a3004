package org.dxscraper.scraper.parse;

import java.time.Instant;

/**
 * Reads the lines people write and the node's prompt, which all share the shape {@code X de CALL}:
 *
 * <pre>
 * To ALL de EA8ZZ-9: text                 announcement (also To LOCAL)
 * To Local de N5ZZ &lt;1405Z&gt; : text         announcement, CC Cluster form with time
 * WX de VA3ZZ: text                       weather (CC Cluster: WX de LA3ZZ &lt;1001Z&gt; : text)
 * N0CALL de N1SPOT: text                  talk to us
 * N0CALL de N0NODE-2 24-Nov-2026 0105Z dxspider &gt;   prompt (AR-Cluster "arc6&gt;", CC "CCC &gt;")
 * </pre>
 *
 * A talk line and a prompt start alike; what follows the second call tells them apart: a colon for
 * talk, a date and a closing '&gt;' for a prompt.
 */
final class TextLineParser {

  static final String ANNOUNCE_PREFIX = "To ";

  static final String WX_PREFIX = "WX de";

  private static final String DE = " de ";

  private TextLineParser() {}

  /**
   * Parses {@code [start, end)}, which begins with {@link #ANNOUNCE_PREFIX}; null when the word
   * after the scope is not "de" (AR-Cluster banners have lines like "To turn ON Skimmer Spots").
   */
  static ClusterMessage announcementOrNull(char[] s, int start, int end, Instant receivedAt) {
    int scopeStart = Chars.skipBlanks(s, start + ANNOUNCE_PREFIX.length(), end);
    int scopeEnd = Chars.tokenEnd(s, scopeStart, end);
    int deStart = Chars.skipBlanks(s, scopeEnd, end);
    int deEnd = Chars.tokenEnd(s, deStart, end);
    if (!Chars.equalsIgnoreCase(s, deStart, deEnd, "de")) {
      return null;
    }
    Announcement.Scope scope;
    // DXSpider writes "To LOCAL", CC Cluster "To Local".
    if (Chars.equalsIgnoreCase(s, scopeStart, scopeEnd, "ALL")) {
      scope = Announcement.Scope.ALL;
    } else if (Chars.equalsIgnoreCase(s, scopeStart, scopeEnd, "LOCAL")) {
      scope = Announcement.Scope.LOCAL;
    } else {
      return new Unparsed(Unparsed.UNKNOWN_SCOPE);
    }
    Tail tail = Tail.read(s, deEnd, end);
    if (tail == null) {
      return new Unparsed(Unparsed.TRUNCATED);
    }
    boolean timeFromLine = tail.minute != SpotClock.NO_TIME;
    return new Announcement(
        scope,
        tail.sender(s),
        tail.text(s, end),
        timeFromLine
            ? SpotClock.onReceptionDay(receivedAt, tail.minute)
            : SpotClock.receptionMinute(receivedAt),
        timeFromLine);
  }

  /** Parses {@code [start, end)}, which begins with {@link #WX_PREFIX}. */
  static ClusterMessage wx(char[] s, int start, int end) {
    Tail tail = Tail.read(s, start + WX_PREFIX.length(), end);
    if (tail == null) {
      return new Unparsed(Unparsed.TRUNCATED);
    }
    return new Wx(tail.sender(s), tail.text(s, end));
  }

  /** A talk line or a prompt in {@code [start, end)}, or null when the line is neither. */
  static ClusterMessage talkOrPromptOrNull(char[] s, int start, int end) {
    int toEnd = Chars.tokenEnd(s, start, end);
    if (isStation(s, start, toEnd) && Chars.startsWith(s, toEnd, end, DE)) {
      Tail tail = Tail.read(s, toEnd + DE.length(), end);
      if (tail != null && isStation(s, tail.senderStart, tail.senderEnd)) {
        return new Talk(Chars.upperSubstring(s, start, toEnd), tail.sender(s), tail.text(s, end));
      }
    }
    return s[end - 1] == '>' ? promptOrNull(s, start, end) : null;
  }

  /**
   * A prompt {@code USER de NODE ... >}. Text before the user is allowed: CC Cluster answers "bye"
   * with "73 David. W1HKJ de AE5E 19-Nov-2016 0154Z CCC >".
   */
  private static ClusterMessage promptOrNull(char[] s, int start, int end) {
    int de = Chars.indexOf(s, DE, start, end);
    if (de < 0) {
      return null;
    }
    int userStart = Chars.tokenStart(s, start, de);
    int nodeStart = Chars.skipBlanks(s, de + DE.length(), end);
    int nodeEnd = Chars.tokenEnd(s, nodeStart, end);
    if (!isStation(s, userStart, de) || !isStation(s, nodeStart, nodeEnd) || nodeEnd == end) {
      return null;
    }
    return new Prompt(
        Chars.upperSubstring(s, userStart, de),
        Chars.upperSubstring(s, nodeStart, nodeEnd),
        NodeSoftware.identify(s, nodeEnd, end));
  }

  /** A call with optional SSID or skimmer mark: letters, digits, '/', '-', '#', with a digit. */
  private static boolean isStation(char[] s, int from, int to) {
    if (to - from < 3) {
      return false;
    }
    boolean letter = false;
    boolean digit = false;
    for (int i = from; i < to; i++) {
      char c = s[i];
      if (Chars.isAsciiLetter(c)) {
        letter = true;
      } else if (Chars.isDigit(c)) {
        digit = true;
      } else if (c != '/' && c != '-' && c != '#') {
        return false;
      }
    }
    return letter && digit;
  }

  /** The part after "de": {@code SENDER [<HHMMZ>] : text}, as index ranges into the line. */
  private record Tail(int senderStart, int senderEnd, int minute, int textStart) {

    /** The tail starting at {@code from}, or null when the sender or the colon is missing. */
    static Tail read(char[] s, int from, int end) {
      int senderStart = Chars.skipBlanks(s, from, end);
      int senderEnd = senderStart;
      while (senderEnd < end && !isSenderEnd(s[senderEnd])) {
        senderEnd++;
      }
      if (senderEnd == senderStart) {
        return null;
      }
      int p = Chars.skipBlanks(s, senderEnd, end);
      int minute = SpotClock.NO_TIME;
      // CC Cluster adds the time: "To ALL de CT2ZZ <1044Z> : text".
      if (p < end && s[p] == '<') {
        int close = Chars.indexOf(s, '>', p, end);
        if (close < 0) {
          return null;
        }
        if (SpotClock.isZuluToken(s, p + 1, close)) {
          minute = SpotClock.minuteOfDay(s, p + 1, close);
        }
        p = Chars.skipBlanks(s, close + 1, end);
      }
      if (p == end || s[p] != ':') {
        return null;
      }
      return new Tail(senderStart, senderEnd, minute, p + 1);
    }

    private static boolean isSenderEnd(char c) {
      return Chars.isBlank(c) || c == ':' || c == '<';
    }

    String sender(char[] s) {
      return Chars.upperSubstring(s, senderStart, senderEnd);
    }

    String text(char[] s, int end) {
      return Chars.trimmedSubstring(s, textStart, end);
    }
  }
}
