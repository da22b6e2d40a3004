package org.dxscraper.scraper.cluster;

import java.time.Duration;
import java.util.Objects;
import org.dxscraper.scraper.retry.Backoff;

/**
 * How every node connection is kept alive and brought back; one policy for all nodes.
 *
 * @param connectBackoff waits after failed TCP connects, and the first wait after a session that
 *     delivered; short, so that a restarted node is logged in again within seconds of listening
 * @param loginBackoff waits after connects whose login failed or whose session ended before it
 *     delivered a broadcast: the node is up but does not want us, so it is not hammered
 * @param takeoverWait wait after another client took the session over with our callsign; doubles
 *     with every takeover in a row up to {@code maxTakeoverWait}
 * @param maxTakeoverWait the longest wait after a takeover
 * @param probeAfter silence (nothing at all received) after which a logged-in session sends an
 *     empty line, which DXSpider, AR-Cluster and CC Cluster answer with a prompt; zero disables
 * @param probeTimeout how long the answer to that probe may take before the connection counts as
 *     dead and is closed
 * @param backfillAtStart whether the first login of the process asks for history too (what was
 *     missed while the daemon was stopped), not only logins after a gap
 */
public record ConnectionPolicy(
    Backoff connectBackoff,
    Backoff loginBackoff,
    Duration takeoverWait,
    Duration maxTakeoverWait,
    Duration probeAfter,
    Duration probeTimeout,
    boolean backfillAtStart) {

  /**
   * Connect failures: a refused port is retried about every 2 s on average (draws up to 4 s), so a
   * node that comes back is logged in within 4 s of listening. Login failures: up to 5 min, a node
   * that rejects us is asked rarely. Takeover: 10 min, doubling to 2 h, since two clients sharing a
   * callsign-SSID would otherwise throw each other out all day. Keepalive: a probe after 45 s of
   * silence with 15 s to answer notices a dead connection within a minute, and costs one empty line
   * per 45 s only when the node has sent nothing at all.
   */
  public static final ConnectionPolicy DEFAULT =
      new ConnectionPolicy(
          new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4)),
          new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5)),
          Duration.ofMinutes(10),
          Duration.ofHours(2),
          Duration.ofSeconds(45),
          Duration.ofSeconds(15),
          false);

  public ConnectionPolicy {
    Objects.requireNonNull(connectBackoff, "connectBackoff");
    Objects.requireNonNull(loginBackoff, "loginBackoff");
    requirePositive("takeoverWait", takeoverWait);
    requirePositive("maxTakeoverWait", maxTakeoverWait);
    if (maxTakeoverWait.compareTo(takeoverWait) < 0) {
      throw new IllegalArgumentException(
          "maxTakeoverWait must be at least takeoverWait "
              + takeoverWait
              + ", got "
              + maxTakeoverWait);
    }
    Objects.requireNonNull(probeAfter, "probeAfter");
    if (probeAfter.isNegative()) {
      throw new IllegalArgumentException("probeAfter must be >= 0 (0 = off), got " + probeAfter);
    }
    requirePositive("probeTimeout", probeTimeout);
  }

  /** Whether sessions probe a silent connection. */
  public boolean probes() {
    return !probeAfter.isZero();
  }

  /** The wait after the {@code takeovers}-th takeover in a row. */
  public Duration takeoverWait(int takeovers) {
    Duration wait = takeoverWait.multipliedBy(1L << Math.min(Math.max(takeovers - 1, 0), 20));
    return wait.compareTo(maxTakeoverWait) > 0 ? maxTakeoverWait : wait;
  }

  public ConnectionPolicy withBackoff(Backoff connect, Backoff login) {
    return new ConnectionPolicy(
        connect, login, takeoverWait, maxTakeoverWait, probeAfter, probeTimeout, backfillAtStart);
  }

  public ConnectionPolicy withTakeoverWait(Duration wait, Duration maxWait) {
    return new ConnectionPolicy(
        connectBackoff, loginBackoff, wait, maxWait, probeAfter, probeTimeout, backfillAtStart);
  }

  public ConnectionPolicy withProbe(Duration after, Duration timeout) {
    return new ConnectionPolicy(
        connectBackoff,
        loginBackoff,
        takeoverWait,
        maxTakeoverWait,
        after,
        timeout,
        backfillAtStart);
  }

  public ConnectionPolicy withBackfillAtStart(boolean atStart) {
    return new ConnectionPolicy(
        connectBackoff,
        loginBackoff,
        takeoverWait,
        maxTakeoverWait,
        probeAfter,
        probeTimeout,
        atStart);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
