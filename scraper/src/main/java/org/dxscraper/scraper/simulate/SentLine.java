package org.dxscraper.scraper.simulate;

import java.util.Objects;

/**
 * One broadcast line the simulator sent, as text without BEL bytes and CRLF, formatted for the
 * default width of 80 columns (what a client that only sent {@code set/page 0} receives).
 *
 * @param kind what the line is
 * @param text the line; {@link Kind#GARBAGE} text maps one char to one byte (ISO-8859-1)
 * @param spot for {@link Kind#SPOT}, the spot's fields as the simulator made them (before the
 *     comment is cut to the line's width); null for other kinds
 */
public record SentLine(Kind kind, String text, SimulatedSpot spot) {

  /** What a broadcast line is. */
  public enum Kind {
    SPOT,
    WWV,
    WCY,
    ANNOUNCEMENT,
    /** Random bytes (never LF) sent on request to exercise a client's error path. */
    GARBAGE,
    /** A 5000-byte line sent on request to exercise a client's line length limit. */
    OVERLONG;

    /** Whether a DXSpider user with beep on gets BEL BEL after this line. */
    boolean beeps() {
      return this == SPOT || this == WWV || this == WCY || this == ANNOUNCEMENT;
    }
  }

  public SentLine {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    if ((kind == Kind.SPOT) != (spot != null)) {
      throw new IllegalArgumentException(
          "a SPOT line carries its spot and no other line does, got " + kind + " with " + spot);
    }
  }

  SentLine(Kind kind, String text) {
    this(kind, text, null);
  }
}
