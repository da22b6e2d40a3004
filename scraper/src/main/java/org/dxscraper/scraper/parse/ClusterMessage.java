package org.dxscraper.scraper.parse;

/**
 * One line from a DX cluster node, classified. {@link LineParser} returns exactly one of these for
 * every line; a line it cannot read is an {@link Unparsed} with a reason, never an exception.
 *
 * <p>All implementations are immutable records and safe to share between threads.
 */
public sealed interface ClusterMessage
    permits Spot, SolarReport, Announcement, Talk, Wx, Prompt, Unparsed {

  /**
   * The stable name of this kind of message for JSON output and metric labels: one of "spot",
   * "solar", "announcement", "talk", "wx", "prompt", "unparsed".
   */
  String kind();
}
