package org.dxscraper.scraper.cluster;

/**
 * Text the node sent without a line end and then stopped: in practice a prompt waiting for input
 * ({@code login: } from DXSpider and AR-Cluster, {@code Please enter your call: } from CC Cluster
 * and RBN). Fired by {@link LineFrameDecoder} as a channel message, in order with the lines. The
 * same bytes arrive again as part of a complete line once the LF comes, so this is a hint for the
 * login state machine, never a line to store.
 */
record PartialLine(String text) {}
