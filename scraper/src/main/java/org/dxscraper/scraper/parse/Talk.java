package org.dxscraper.scraper.parse;

import java.util.Objects;

/**
 * A private talk message {@code TO de FROM: text}, as DXSpider sends it to its addressee (the
 * daemon's own call, so seeing one usually means a human wrote to it).
 *
 * @param to the addressee call, upper-cased
 * @param from the sender call, upper-cased
 * @param text the message, trimmed; may be empty
 */
public record Talk(String to, String from, String text) implements ClusterMessage {

  public Talk {
    requireWord("to", to);
    requireWord("from", from);
    Objects.requireNonNull(text, "text must not be null");
  }

  static void requireWord(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must be a non-empty call, got " + value);
    }
  }

  @Override
  public String kind() {
    return "talk";
  }
}
