package org.dxscraper.scraper.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node connected: connects, and after every close or failed connect connects again after
 * a wait chosen by the {@link ConnectionPolicy} from what ended the last attempt:
 *
 * <ul>
 *   <li>a session that logged in and received a broadcast (or lasted {@link #HEALTHY_SESSION})
 *       resets the counts, and the next attempt comes within {@link
 *       ConnectionPolicy#connectBackoff()}'s first wait (a second or so);
 *   <li>failed connects back off up to that backoff's cap (a few seconds), so a restarted node is
 *       logged in again soon after it listens;
 *   <li>failed logins, and sessions that ended before any broadcast, back off up to {@link
 *       ConnectionPolicy#loginBackoff()}'s cap (minutes): the node is up but does not want us. The
 *       two kinds are counted apart, so minutes of refused connects during a node's restart do not
 *       make its first short session wait minutes;
 *   <li>a takeover (another client logged in with our callsign) waits {@link
 *       ConnectionPolicy#takeoverWait(int)}, logged at ERROR once per takeover.
 * </ul>
 *
 * Fallback addresses are tried in turn: an attempt that did not deliver moves to the next one.
 *
 * <p>Everything runs on the node's own event loop (the channel is registered on it too), so the
 * fields need no locks; public-facing calls hop onto the loop with {@code execute}.
 */
final class NodeConnector {

  private static final Logger log = LoggerFactory.getLogger(NodeConnector.class);

  /** Failed connects in a row between two INFO lines saying the node is still unreachable. */
  static final int REPORT_EVERY = 30;

  /** A logged-in session this long counts as healthy even if the node sent no broadcast. */
  static final Duration HEALTHY_SESSION = Duration.ofMinutes(1);

  /**
   * How long a node may still hold our previous session after we lost it: a refused second login
   * within this time is not taken for another client.
   */
  static final Duration OWN_SESSION_LINGERS = Duration.ofMinutes(5);

  private final NodeConfig config;
  private final NodeStatus status;
  private final EventLoop loop;
  private Bootstrap bootstrap;
  private final ConnectionPolicy policy;
  private final InstantSource clock;
  private final RandomGenerator random;

  private boolean stopped;
  private boolean connectedBefore;
  private long attempts;
  private int connectFailures;
  private int refusals;
  private int takeoversInARow;
  private Instant failingSince;
  private Instant lastSessionEndedAt;
  private Channel channel;
  private Future<?> reconnectTimer;
  private long loginsBeforeAttempt;
  private ReconnectReason nextReason = ReconnectReason.CONNECT_FAILED;

  NodeConnector(
      NodeConfig config,
      NodeStatus status,
      EventLoop loop,
      ConnectionPolicy policy,
      InstantSource clock,
      RandomGenerator random) {
    this.config = config;
    this.status = status;
    this.loop = loop;
    this.policy = policy;
    this.clock = clock;
    this.random = random;
  }

  /** Sets the bootstrap, whose session handler calls {@link #sessionEnded()}; before start. */
  void bootstrap(Bootstrap channelBootstrap) {
    bootstrap = channelBootstrap;
  }

  void start() {
    loop.execute(this::connect);
  }

  /**
   * Closes the session that logged in at {@code session} for {@code reason}; the usual reconnect
   * follows. Does nothing when that session has already ended, so that a decision taken on another
   * thread never closes the session that replaced it.
   */
  void disconnect(ReconnectReason reason, String why, Instant session) {
    loop.execute(
        () -> {
          boolean same =
              status.isLoggedIn() && status.loggedInAt().map(session::equals).orElse(false);
          if (channel != null && same) {
            log.info("{}: disconnecting ({}): {}", config.name(), reason.label(), why);
            status.closeReason(reason);
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
          if (reading && status.readingPaused()) {
            status.readingResumedAt(clock.instant());
          }
          status.readingPaused(!reading);
          // Only a logged-in session pauses: one still logging in must read its prompts or its
          // login timer would fail it; it pauses when it has logged in (ClusterSessionHandler).
          if (channel != null && (status.isLoggedIn() || reading)) {
            channel.config().setAutoRead(reading);
          }
        });
  }

  /**
   * Stops reconnecting and closes the connection after reading what the kernel still holds for it
   * ({@link ReadPacer#LAST_READ}); the future completes when the connection is closed.
   */
  Future<?> stop() {
    Promise<Void> closed = loop.newPromise();
    loop.execute(
        () -> {
          stopped = true;
          if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
          }
          if (channel == null) {
            closed.trySuccess(null);
            return;
          }
          channel.closeFuture().addListener(f -> closed.trySuccess(null));
          channel.pipeline().fireUserEventTriggered(ReadPacer.LAST_READ);
        });
    return closed;
  }

  private void connect() {
    reconnectTimer = null;
    status.retryAt(null);
    if (stopped) {
      return;
    }
    if (connectedBefore) {
      status.counters().reconnecting(nextReason);
    }
    connectedBefore = true;
    NodeAddress address = config.address(attempts);
    status.address(address);
    status.state(SessionState.CONNECTING);
    loginsBeforeAttempt = status.counters().logins();
    bootstrap
        .connect(address.host(), address.port())
        .addListener((ChannelFuture f) -> onConnect(f, address));
  }

  private void onConnect(ChannelFuture future, NodeAddress address) {
    if (!future.isSuccess()) {
      String reason = "connect to " + address + " failed: " + future.cause();
      status.state(SessionState.FAILED);
      status.failure(reason);
      status.counters().connectionError();
      if (failingSince == null) {
        failingSince = clock.instant();
      }
      if (connectFailures == 0 || (connectFailures + 1) % REPORT_EVERY == 0) {
        log.warn(
            "{}: {} ({} failed connect(s) in a row since {})",
            config.name(),
            reason,
            connectFailures + 1,
            failingSince);
      } else {
        log.debug("{}: {}", config.name(), reason);
      }
      attempts++;
      connectFailures++;
      scheduleReconnect(ReconnectReason.CONNECT_FAILED, Duration.ZERO);
      return;
    }
    channel = future.channel();
    if (stopped) {
      channel.close();
    }
  }

  /**
   * The session handler's last word on a connection that had been established, called on the loop
   * after it has set the close reason and the state (a close-future listener would run before
   * {@code channelInactive} and see neither).
   */
  void sessionEnded() {
    channel = null;
    Instant now = clock.instant();
    boolean loggedIn = status.counters().logins() > loginsBeforeAttempt;
    Duration session =
        loggedIn ? Duration.between(status.loggedInAt().orElse(now), now) : Duration.ZERO;
    boolean delivered = loggedIn && (status.delivered() || session.compareTo(HEALTHY_SESSION) >= 0);
    ReconnectReason purpose = status.takeCloseReason();
    ReconnectReason reason =
        purpose != null
            ? purpose
            : loggedIn ? ReconnectReason.CLOSED : ReconnectReason.LOGIN_FAILED;
    if (reason == ReconnectReason.TAKEN_OVER && !loggedIn && endedRecently(now)) {
      // "Already connected" right after our own session died (idle, stalled, closed): the node
      // may still hold that session. A failed login, not another client.
      log.info(
          "{}: node refused a second login {} s after our last session ended; it may still hold"
              + " that session, retrying as after a failed login",
          config.name(),
          Duration.between(lastSessionEndedAt, now).toSeconds());
      reason = ReconnectReason.LOGIN_FAILED;
    }
    if (loggedIn && reason != ReconnectReason.TAKEN_OVER) {
      lastSessionEndedAt = now;
    }
    if (reason != ReconnectReason.STALLED) {
      status.counters().connectionError();
    }
    if (delivered) {
      connectFailures = 0; // a session that worked ended: come back quickly
      refusals = 0;
      failingSince = null;
    } else {
      attempts++; // try the next address, if there is one
      if (failingSince == null) {
        failingSince = now;
      }
      if (reason != ReconnectReason.TAKEN_OVER) {
        refusals++;
      }
    }
    scheduleReconnect(reason, session);
  }

  private void scheduleReconnect(ReconnectReason reason, Duration session) {
    if (stopped) {
      return;
    }
    nextReason = reason;
    Duration delay = delayAfter(reason, session);
    status.retryAt(clock.instant().plus(delay));
    if (reason == ReconnectReason.TAKEN_OVER) {
      status.counters().takenOver();
      status.state(SessionState.TAKEN_OVER);
      log.error(
          "{}: another client logged in as {} and the node dropped this session (takeover {} in a"
              + " row); not reconnecting for {}. Two programs must not share a callsign-SSID: give"
              + " this daemon its own SSID, e.g. --callsign {}-7",
          config.name(),
          config.callsign(),
          takeoversInARow,
          delay,
          baseCall());
    } else if (reason != ReconnectReason.CONNECT_FAILED) {
      log.info(
          "{}: reconnecting in {} ms ({}, {} refusal(s) in a row, next address {}; last failure:"
              + " {})",
          config.name(),
          delay.toMillis(),
          reason.label(),
          refusals,
          config.address(attempts),
          status.lastFailure().orElse("none"));
    }
    reconnectTimer = loop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private Duration delayAfter(ReconnectReason reason, Duration session) {
    if (reason == ReconnectReason.TAKEN_OVER) {
      // A session that outlived the last wait was not part of the same fight: start over.
      takeoversInARow =
          session.compareTo(policy.takeoverWait(takeoversInARow)) >= 0 ? 1 : takeoversInARow + 1;
      return policy.takeoverWait(takeoversInARow);
    }
    takeoversInARow = 0;
    if (reason == ReconnectReason.CONNECT_FAILED) {
      return policy.connectBackoff().delay(connectFailures, random);
    }
    if (refusals == 0) {
      return policy.connectBackoff().delay(1, random); // a session that worked: come back soon
    }
    return policy.loginBackoff().delay(refusals, random);
  }

  private boolean endedRecently(Instant now) {
    return lastSessionEndedAt != null
        && Duration.between(lastSessionEndedAt, now).compareTo(OWN_SESSION_LINGERS) < 0;
  }

  private String baseCall() {
    int dash = config.callsign().indexOf('-');
    return dash < 0 ? config.callsign() : config.callsign().substring(0, dash);
  }
}
