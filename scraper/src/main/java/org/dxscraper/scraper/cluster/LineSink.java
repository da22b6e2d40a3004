package org.dxscraper.scraper.cluster;

import java.time.Instant;

/**
 * Receives every complete line a cluster node sends, in the order the node sent it.
 *
 * <p>Lines arrive from connect on: banner and login lines before login as well as prompts, command
 * replies and broadcasts after it, so that a journal holds the whole conversation. The line has its
 * line end removed (LF, CR and the BEL bytes DXSpider appends to broadcasts) and was decoded on its
 * own: as UTF-8 when its bytes are well-formed UTF-8, otherwise as ISO-8859-1, one {@code char} per
 * byte, so that no byte is lost or replaced either way (see {@link LineFrameDecoder}).
 *
 * <p>Threading: called on the node's Netty event loop. Implementations must return fast, must not
 * block (no I/O, no locks held for long, no waiting on a full queue) and must not throw; an
 * exception is logged, counted in {@link NodeCounters#sinkFailures()} and the line is lost. Lines
 * of one node are never delivered concurrently; lines of different nodes may be.
 */
@FunctionalInterface
public interface LineSink {

  /**
   * @param node the configured node name ({@link NodeConfig#name()})
   * @param line the line without its line end, decoded as UTF-8 or else ISO-8859-1
   * @param receivedAt when the line was framed, from the client's injected clock
   */
  void onLine(String node, String line, Instant receivedAt);

  /**
   * The lines of one socket read have all been passed to {@link #onLine}: a journal writes them out
   * together here. Same threading rules as {@link #onLine}.
   */
  default void endOfRead() {}
}
