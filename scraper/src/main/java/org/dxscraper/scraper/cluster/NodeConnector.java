package org.dxscraper.scraper.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node connected: connects, and after every close or failed connect connects again after
 * the {@link ReconnectBackoff} delay.
 *
 * <p>Everything runs on the node's own event loop (the channel is registered on it too), so the
 * fields need no locks; public-facing calls hop onto the loop with {@code execute}.
 */
final class NodeConnector {

  private static final Logger log = LoggerFactory.getLogger(NodeConnector.class);

  /**
   * A session must last this long to reset the backoff. Shorter ones keep backing off: DXSpider
   * logs out an older session with the same call ("Reconnected as ..."), and two daemons, or a
   * daemon and a logging program, sharing a call would otherwise throw each other out every second.
   */
  static final Duration HEALTHY_SESSION = Duration.ofMinutes(1);

  private final NodeConfig config;
  private final NodeStatus status;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final ReconnectBackoff backoff;
  private final InstantSource clock;

  private boolean stopped;
  private boolean connectedBefore;
  private int failuresInARow;
  private Channel channel;
  private Future<?> reconnectTimer;
  private boolean disconnectRequested;
  private ReconnectReason nextReason = ReconnectReason.CONNECT_FAILED;

  NodeConnector(
      NodeConfig config,
      NodeStatus status,
      EventLoop loop,
      Bootstrap bootstrap,
      ReconnectBackoff backoff,
      InstantSource clock) {
    this.clock = clock;
    this.config = config;
    this.status = status;
    this.loop = loop;
    this.bootstrap = bootstrap;
    this.backoff = backoff;
  }

  void start() {
    loop.execute(this::connect);
  }

  /** Closes the current connection, if any; the usual reconnect follows. */
  void disconnect(String reason) {
    loop.execute(
        () -> {
          if (channel != null) {
            log.info("{}: disconnecting: {}", config.name(), reason);
            disconnectRequested = true;
            channel.close();
          }
        });
  }

  /**
   * Stops or resumes reading from the node (back-pressure: the kernel's receive buffer fills and
   * TCP slows the node down). Holds for connections made later, too.
   */
  void setReading(boolean reading) {
    if (loop.isShuttingDown()) {
      return; // stopping: there is nothing left to pause or resume
    }
    loop.execute(
        () -> {
          status.readingPaused(!reading);
          // Only a logged-in session pauses: one still logging in must read its prompts or its
          // login timer would fail it; it pauses when it has logged in (ClusterSessionHandler).
          if (channel != null && (status.isLoggedIn() || reading)) {
            channel.config().setAutoRead(reading);
          }
        });
  }

  /** Stops reconnecting and starts closing the connection. */
  Future<?> stop() {
    return loop.submit(
        () -> {
          stopped = true;
          if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
          }
          if (channel != null) {
            channel.close();
          }
        });
  }

  private void connect() {
    reconnectTimer = null;
    if (stopped) {
      return;
    }
    if (connectedBefore) {
      status.counters().reconnecting(nextReason);
    }
    connectedBefore = true;
    status.state(SessionState.CONNECTING);
    long loginsBefore = status.counters().logins();
    bootstrap
        .connect(config.host(), config.port())
        .addListener((ChannelFuture f) -> onConnect(f, loginsBefore));
  }

  private void onConnect(ChannelFuture future, long loginsBefore) {
    if (!future.isSuccess()) {
      String reason =
          "connect to " + config.host() + ":" + config.port() + " failed: " + future.cause();
      status.state(SessionState.FAILED);
      status.failure(reason);
      status.counters().connectionError();
      nextReason = ReconnectReason.CONNECT_FAILED;
      log.warn("{}: {}", config.name(), reason);
      scheduleReconnect();
      return;
    }
    channel = future.channel();
    channel.closeFuture().addListener(f -> onClosed(loginsBefore));
    if (stopped) {
      channel.close();
    }
  }

  private void onClosed(long loginsBefore) {
    channel = null;
    boolean loggedIn = status.counters().logins() > loginsBefore;
    Duration session =
        loggedIn
            ? Duration.between(status.loggedInAt().orElse(clock.instant()), clock.instant())
            : Duration.ZERO;
    if (session.compareTo(HEALTHY_SESSION) >= 0) {
      failuresInARow = 0; // a healthy session ended: come back quickly
    }
    if (!loggedIn || !disconnectRequested) {
      status.counters().connectionError();
    }
    nextReason =
        disconnectRequested
            ? ReconnectReason.DISCONNECTED
            : loggedIn ? ReconnectReason.CLOSED : ReconnectReason.LOGIN_FAILED;
    disconnectRequested = false;
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (stopped) {
      return;
    }
    failuresInARow++;
    Duration delay = backoff.delay(failuresInARow);
    log.info(
        "{}: reconnecting in {} (failure {} in a row, state {}, last failure: {})",
        config.name(),
        delay,
        failuresInARow,
        status.state(),
        status.lastFailure().orElse("none"));
    reconnectTimer = loop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
