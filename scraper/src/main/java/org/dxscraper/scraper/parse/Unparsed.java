package org.dxscraper.scraper.parse;

import java.util.List;

/**
 * A line the parser could not read as any message, with a short machine-friendly reason that is
 * stable across releases (metrics label their counters with it). Banners, command replies and the
 * like are {@link #UNKNOWN_LINE} (or {@link #EMPTY}): expected, not an error; the ingest pipeline
 * counts them as the node's text rather than as parse failures.
 *
 * @param reason lower-case words joined by '-', one of the constants of this record
 */
public record Unparsed(String reason) implements ClusterMessage {

  /** The line was empty or blank after trailing CR, BEL and spaces were removed. */
  public static final String EMPTY = "empty";

  /** A known header ("DX de", "WWV de", "To ALL de", ...) followed by too little to read. */
  public static final String TRUNCATED = "truncated";

  /** A {@code DX de} line whose spotter is missing (nothing between "DX de" and the colon). */
  public static final String DX_NO_SPOTTER = "dx-no-spotter";

  /** A spot whose frequency field is not a positive number of kHz. */
  public static final String DX_NO_FREQUENCY = "dx-no-frequency";

  /** A spot with a frequency but no DX call after it. */
  public static final String DX_NO_CALL = "dx-no-call";

  /** A history or CC11 spot whose date is not a real {@code D-Mon-YYYY} day. */
  public static final String BAD_DATE = "bad-date";

  /** A history or CC11 spot whose time is not a valid {@code HHMMZ}. */
  public static final String BAD_TIME = "bad-time";

  /** A WWV or WCY line whose {@code <hour>} is missing or not 0..23. */
  public static final String BAD_HOUR = "bad-hour";

  /** An announcement to a scope other than ALL or LOCAL. */
  public static final String UNKNOWN_SCOPE = "unknown-scope";

  /**
   * None of the known line kinds: banners, command replies, page prompts, noise. {@link
   * LineParser#startsLikeBroadcast} tells the node's own text from a broadcast that failed.
   */
  public static final String UNKNOWN_LINE = "unknown-line";

  /**
   * The line holds a NUL char. Nodes never send one in a broadcast; a NUL is line noise or a broken
   * client, and the parser would read it as a blank and shift the fields ("NU\01ABC" would be call
   * NU and comment "1ABC"), so the whole line counts as bad instead of making a wrong row.
   */
  public static final String NUL = "nul";

  /** A reader failed on the line: a parser bug, never expected; the tests fuzz for it. */
  public static final String INTERNAL_ERROR = "internal-error";

  /** Every reason above, for metrics that register one counter per reason up front. */
  public static final List<String> REASONS =
      List.of(
          EMPTY,
          TRUNCATED,
          DX_NO_SPOTTER,
          DX_NO_FREQUENCY,
          DX_NO_CALL,
          BAD_DATE,
          BAD_TIME,
          BAD_HOUR,
          UNKNOWN_SCOPE,
          UNKNOWN_LINE,
          NUL,
          INTERNAL_ERROR);

  public Unparsed {
    if (reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("reason must be a non-empty word, got " + reason);
    }
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !Chars.isDigit(c) && c != '-') {
        throw new IllegalArgumentException(
            "reason must hold only a-z, 0-9 and '-', got \"" + reason + "\"");
      }
    }
  }

  @Override
  public String kind() {
    return "unparsed";
  }
}
