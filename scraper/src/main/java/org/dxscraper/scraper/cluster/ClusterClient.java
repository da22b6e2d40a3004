package org.dxscraper.scraper.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one telnet session per configured node logged in and feeds their lines to a {@link
 * LineSink}.
 *
 * <p>All nodes share one event loop thread: a node delivers at most a few thousand lines per second
 * and the per-line work is small. Every node reconnects on its own after a close or a failed
 * connect (see {@link ReconnectBackoff}).
 *
 * <p>Thread-safe: {@link #start()}, {@link #disconnect} and {@link #close()} may be called from any
 * thread; {@link #status} readers see the latest state without locking.
 */
public final class ClusterClient implements AutoCloseable {

  /** How long one TCP connect may take before it counts as a failure. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(ClusterClient.class);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private final EventLoopGroup group;
  private final Map<String, NodeStatus> statuses = new LinkedHashMap<>();
  private final Map<String, NodeConnector> connectors = new LinkedHashMap<>();
  private final List<NodeConfig> nodes;
  private final ReconnectBackoff backoff;
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * @param nodes at least one; names must be unique
   * @param sink receives every line of every node on the event loop (see its contract)
   * @param clock stamps {@code receivedAt}
   * @param backoff delays between connection attempts
   */
  public ClusterClient(
      List<NodeConfig> nodes, LineSink sink, InstantSource clock, ReconnectBackoff backoff) {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(clock, "clock");
    this.nodes = List.copyOf(nodes);
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    if (this.nodes.isEmpty()) {
      throw new IllegalArgumentException("at least one node is needed, got none");
    }
    for (NodeConfig node : this.nodes) {
      if (statuses.putIfAbsent(node.name(), new NodeStatus(node.name())) != null) {
        throw new IllegalArgumentException(
            "node names must be unique, got '" + node.name() + "' twice");
      }
    }
    group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("cluster-client", true), NioIoHandler.newFactory());
    for (NodeConfig node : this.nodes) {
      NodeStatus status = statuses.get(node.name());
      EventLoop loop = group.next();
      Bootstrap bootstrap =
          new Bootstrap()
              .group(loop)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
              .option(ChannelOption.SO_KEEPALIVE, true)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(new ClusterClientInitializer(node, status, sink, clock));
      connectors.put(node.name(), new NodeConnector(node, status, loop, bootstrap, backoff, clock));
    }
  }

  /** With the system clock and {@link ReconnectBackoff#DEFAULT}. */
  public ClusterClient(List<NodeConfig> nodes, LineSink sink) {
    this(nodes, sink, InstantSource.system(), ReconnectBackoff.DEFAULT);
  }

  /** Starts connecting every node; returns at once. A second call does nothing. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    log.info(
        "starting {} node(s), connect timeout {}, reconnect backoff {}..{}",
        nodes.size(),
        CONNECT_TIMEOUT,
        backoff.initial(),
        backoff.max());
    for (NodeConfig node : nodes) {
      log.info("{}: {}", node.name(), node); // NodeConfig masks the password
      connectors.get(node.name()).start();
    }
  }

  /** Status of every node, in configuration order. */
  public Map<String, NodeStatus> statuses() {
    return Collections.unmodifiableMap(statuses);
  }

  /**
   * @throws IllegalArgumentException for a name that was not configured
   */
  public NodeStatus status(String node) {
    NodeStatus status = statuses.get(node);
    if (status == null) {
      throw new IllegalArgumentException(
          "no node named '" + node + "', known: " + statuses.keySet());
    }
    return status;
  }

  /**
   * Closes the node's connection so that it reconnects, e.g. when a watchdog finds it silent.
   *
   * @throws IllegalArgumentException for a name that was not configured
   */
  public void disconnect(String node, String reason) {
    status(node);
    connectors.get(node).disconnect(reason);
  }

  /**
   * Stops ({@code false}) or resumes ({@code true}) reading from every node. While paused, lines
   * wait in the kernel's buffers and TCP slows the nodes down; nothing is dropped here.
   */
  public void setReading(boolean reading) {
    for (NodeConnector connector : connectors.values()) {
      connector.setReading(reading);
    }
  }

  /** Closes every connection and stops the event loop; waits up to a few seconds. */
  @Override
  public void close() {
    for (NodeConnector connector : connectors.values()) {
      connector.stop();
    }
    group
        .shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
    log.info("cluster client stopped");
  }
}
