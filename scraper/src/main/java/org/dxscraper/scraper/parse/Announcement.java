package org.dxscraper.scraper.parse;

import java.time.Instant;
import java.util.Objects;

/**
 * An announcement: {@code To ALL de SENDER: text}, {@code To LOCAL de SENDER: text}, or CC
 * Cluster's {@code To ALL de SENDER <HHMMZ> : text}.
 *
 * @param scope ALL (the whole network) or LOCAL (this node's users)
 * @param sender the sender call, upper-cased
 * @param text the announcement, trimmed; may be empty
 * @param announcedAt the line's time when it had one, otherwise the reception minute
 * @param timeFromLine true when {@code announcedAt} came from the line's {@code <HHMMZ>}
 */
public record Announcement(
    Scope scope, String sender, String text, Instant announcedAt, boolean timeFromLine)
    implements ClusterMessage {

  /** Who an announcement was sent to. */
  public enum Scope {
    ALL,
    LOCAL
  }

  public Announcement {
    Objects.requireNonNull(scope, "scope must not be null");
    Talk.requireWord("sender", sender);
    Objects.requireNonNull(text, "text must not be null");
    Objects.requireNonNull(announcedAt, "announcedAt must not be null");
  }

  @Override
  public String kind() {
    return "announcement";
  }
}
