package org.dxscraper.scraper.parse;

import java.util.Objects;

/**
 * A node's prompt {@code USER de NODE date time suffix>}, which follows every command reply and
 * which DXSpider also sends unsolicited after 11 minutes of silence: proof the session is alive.
 *
 * @param user the logged-in call the prompt addresses, upper-cased
 * @param node the node's call, upper-cased
 * @param software the node software the prompt's suffix reveals, {@link NodeSoftware#UNKNOWN} when
 *     it reveals none
 */
public record Prompt(String user, String node, NodeSoftware software) implements ClusterMessage {

  public Prompt {
    Talk.requireWord("user", user);
    Talk.requireWord("node", node);
    Objects.requireNonNull(software, "software must not be null");
  }

  @Override
  public String kind() {
    return "prompt";
  }
}
