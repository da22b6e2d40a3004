package org.dxscraper.scraper.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One line as the journal holds it.
 *
 * @param seq its sequence number: one counter for the whole journal, never reused
 * @param node the configured name of the node that sent it
 * @param receivedAt when it was framed, to the microsecond
 * @param line the line as decoded, without its line end
 */
public record JournalRecord(long seq, String node, Instant receivedAt, String line) {
  public JournalRecord {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(line, "line");
  }
}
