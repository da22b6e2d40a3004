package org.dxscraper.scraper.cluster;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of one node's channel:
 *
 * <pre>
 *   pacer   ReadPacer              after a read, the next one waits for a 200 ms tick: a busy
 *                                  node's spots come in bursts, not one system call each
 *   idle    IdleStateHandler       read idle = nothing at all arrived for probeAfter (first, so it
 *                                  sees raw reads, telnet negotiation included)
 *   telnet  TelnetFilterDecoder    bytes -&gt; bytes without IAC sequences
 *   framer  LineFrameDecoder       bytes -&gt; String lines and PartialLine prompts
 *   session ClusterSessionHandler  login, init commands, backfill, probes, lines -&gt; LineSink
 * </pre>
 *
 * Writes from the session go straight to the socket: callsign and commands are ASCII and never
 * contain the IAC byte that would need escaping.
 */
final class ClusterClientInitializer extends ChannelInitializer<SocketChannel> {

  static final String PACER = "pacer";
  static final String IDLE = "idle";
  static final String TELNET = "telnet";
  static final String FRAMER = "framer";
  static final String SESSION = "session";

  private final NodeConfig config;
  private final NodeStatus status;
  private final LineSink sink;
  private final InstantSource clock;
  private final ConnectionPolicy policy;
  private final BackfillPlanner backfill;
  private final Runnable sessionEnded;

  ClusterClientInitializer(
      NodeConfig config,
      NodeStatus status,
      LineSink sink,
      InstantSource clock,
      ConnectionPolicy policy,
      BackfillPlanner backfill,
      Runnable sessionEnded) {
    this.config = config;
    this.status = status;
    this.sink = sink;
    this.clock = clock;
    this.policy = policy;
    this.backfill = backfill;
    this.sessionEnded = sessionEnded;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(
        PACER,
        new ReadPacer(() -> status.readingPaused() && status.isLoggedIn(), status::isLoggedIn));
    if (policy.probes()) {
      pipeline.addLast(
          IDLE, new IdleStateHandler(policy.probeAfter().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    }
    pipeline.addLast(TELNET, new TelnetFilterDecoder(config.name(), status.counters()));
    pipeline.addLast(
        FRAMER,
        new LineFrameDecoder(
            config.name(),
            status.counters(),
            config.maxLineLength(),
            LineFrameDecoder.DEFAULT_QUIET_TIME));
    pipeline.addLast(
        SESSION,
        new ClusterSessionHandler(config, status, sink, clock, policy, backfill, sessionEnded));
  }
}
