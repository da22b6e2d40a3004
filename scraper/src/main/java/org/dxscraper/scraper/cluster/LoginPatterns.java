package org.dxscraper.scraper.cluster;

import java.util.Locale;

/**
 * What the login lines of the node families look like. Plain string tests, no regex per line except
 * the rare prompt-suffix check; used only until the login completes.
 */
final class LoginPatterns {

  /** AR-Cluster prompts end in {@code arc6>}; older versions {@code arc>}. */
  private LoginPatterns() {}

  /**
   * DXSpider and AR-Cluster: {@code login: }; CC Cluster and RBN: {@code Please enter your call:};
   * AR-Cluster announces {@code Enter your callsign} on a line of its own before {@code login: }.
   */
  static boolean isLoginPrompt(String text) {
    String t = normalize(text);
    return t.endsWith("login:")
        || t.contains("enter your call")
        || t.endsWith("callsign:")
        || t.endsWith("call:");
  }

  /** A prompt that waits for input now, as opposed to an announcement line without a colon. */
  static boolean isInputPrompt(String text) {
    return normalize(text).endsWith(":");
  }

  static boolean isPasswordPrompt(String text) {
    String t = normalize(text);
    return t.endsWith("password:") || t.endsWith("password");
  }

  /** DXSpider: {@code Sorry FOO is an invalid callsign}, then it closes the connection. */
  static boolean isCallsignRejection(String text) {
    String t = normalize(text);
    return t.contains("invalid callsign") || t.contains("not a valid call");
  }

  /**
   * DXSpider tells a session that another login with the same callsign-SSID replaced it: {@code
   * Reconnected as N0CALL ..., this instance is disconnected}, then closes it.
   */
  static boolean isTakeover(String line) {
    // Only at the start of a line: an announcement or talk quoting the text starts otherwise.
    return line.startsWith("Reconnected as ");
  }

  /**
   * Nodes that refuse a second login instead of replacing the first say so before closing ({@code
   * already connected}, {@code already logged in}).
   */
  static boolean isDuplicateLogin(String text) {
    String t = normalize(text);
    return t.contains("already connected") || t.contains("already logged in");
  }

  /**
   * The first sign of a completed login: the node's prompt line ({@code N0CALL de NODE 24-Nov-2026
   * 0105Z dxspider >}, {@code ... arc6>}, {@code ... CCC >}) or a broadcast. RBN relays send a
   * header ending in '>' and then only spots.
   */
  static boolean isLoginConfirmation(String line, String callsign) {
    return isBroadcast(line) || isPromptLine(line, callsign);
  }

  static boolean isPromptLine(String line, String callsign) {
    String t = line.strip();
    return t.endsWith(">")
        && t.length() > callsign.length() + 4
        && t.regionMatches(true, 0, callsign, 0, callsign.length())
        && t.regionMatches(true, callsign.length(), " de ", 0, 4);
  }

  static boolean isBroadcast(String line) {
    return line.startsWith("DX de ")
        || line.startsWith("WWV de ")
        || line.startsWith("WCY de ")
        || line.startsWith("To ALL")
        || line.startsWith("To LOCAL");
  }

  private static String normalize(String text) {
    return text.strip().toLowerCase(Locale.ROOT);
  }
}
