package org.dxscraper.scraper.parse;

import java.util.Objects;

/**
 * A local weather announcement {@code WX de SENDER: text} (CC Cluster: {@code WX de SENDER <HHMMZ>
 * : text}; the time is not kept).
 *
 * @param sender the sender call, upper-cased
 * @param text the announcement, trimmed; may be empty
 */
public record Wx(String sender, String text) implements ClusterMessage {

  public Wx {
    Talk.requireWord("sender", sender);
    Objects.requireNonNull(text, "text must not be null");
  }

  @Override
  public String kind() {
    return "wx";
  }
}
