package org.dxscraper.scraper.cluster;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.time.InstantSource;

/**
 * Builds the pipeline of one node's channel:
 *
 * <pre>
 *   [idle]  (not yet: the watchdog adds an IdleStateHandler here, first, so it sees raw reads)
 *   telnet  TelnetFilterDecoder    bytes -&gt; bytes without IAC sequences
 *   framer  LineFrameDecoder       bytes -&gt; String lines and PartialLine prompts
 *   session ClusterSessionHandler  login, init commands, lines -&gt; LineSink
 * </pre>
 *
 * Writes from the session go straight to the socket: callsign and commands are ASCII and never
 * contain the IAC byte that would need escaping.
 */
final class ClusterClientInitializer extends ChannelInitializer<SocketChannel> {

  static final String TELNET = "telnet";
  static final String FRAMER = "framer";
  static final String SESSION = "session";

  private final NodeConfig config;
  private final NodeStatus status;
  private final LineSink sink;
  private final InstantSource clock;

  ClusterClientInitializer(
      NodeConfig config, NodeStatus status, LineSink sink, InstantSource clock) {
    this.config = config;
    this.status = status;
    this.sink = sink;
    this.clock = clock;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    // An IdleStateHandler (read idle = node silent) belongs here, before TELNET; the session
    // passes user events on untouched.
    pipeline.addLast(TELNET, new TelnetFilterDecoder(config.name(), status.counters()));
    pipeline.addLast(
        FRAMER,
        new LineFrameDecoder(
            config.name(),
            status.counters(),
            config.maxLineLength(),
            LineFrameDecoder.DEFAULT_QUIET_TIME));
    pipeline.addLast(SESSION, new ClusterSessionHandler(config, status, sink, clock));
  }
}
