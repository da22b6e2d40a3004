package org.dxscraper.scraper.watch;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.dxscraper.instrumentation.watch.StallDetector;
import org.dxscraper.scraper.cluster.NodeStatus;
import org.dxscraper.scraper.cluster.ReconnectReason;
import org.dxscraper.scraper.ingest.Daemon;
import org.dxscraper.scraper.ingest.NodeIngestStats;
import org.dxscraper.scraper.parse.NodeSoftware;
import org.dxscraper.scraper.store.SpotWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds stalled ingest and heals what it can. A node that is logged in but has sent no live spot
 * for its stall timeout (a stuck node, a half-open connection the keepalive probe has not caught)
 * is stalled: the watchdog logs it once at WARN and reconnects the node ({@link
 * ReconnectReason#STALLED}, which also asks the node for the spots of the gap). The node stays
 * stalled, through the reconnect, until a live spot arrives (INFO once); a new session that is as
 * silent for another timeout is reconnected again. A writer with rows waiting that has committed
 * nothing for {@link #WRITER_TIMEOUT} is stalled too; that is reported, the writer retries on its
 * own.
 *
 * <p>Default stall timeouts by node software, from what nodes send (PROTOCOL.md): RBN streams
 * several spots a second, so two silent minutes mean trouble; a human cluster relays about 10-30
 * spots a minute network-wide even at night, so fifteen silent minutes (at 10 a minute, a chance of
 * e^-150) do not happen on a healthy quiet night.
 *
 * <p>{@link #check()} runs every {@link #checkEvery()} on its own thread once {@link #start()}ed;
 * the getters may be called from any thread (a scrape) and only read.
 */
public final class IngestWatchdog implements AutoCloseable {
  public static final Duration RBN_TIMEOUT = Duration.ofMinutes(2);
  public static final Duration CLUSTER_TIMEOUT = Duration.ofMinutes(15);
  public static final Duration WRITER_TIMEOUT = Duration.ofMinutes(2);

  /** The bounds of {@link #checkEvery()}. */
  static final Duration MIN_CHECK_EVERY = Duration.ofSeconds(1);

  static final Duration MAX_CHECK_EVERY = Duration.ofSeconds(10);

  /** {@link #checkEvery()} is the shortest stall timeout divided by this. */
  static final int CHECKS_PER_TIMEOUT = 12;

  private static final Logger log = LoggerFactory.getLogger(IngestWatchdog.class);

  private final Daemon daemon;
  private final Duration override;
  private final InstantSource clock;
  private final StallDetector writerDetector;
  private final Map<String, NodeWatch> nodes = new LinkedHashMap<>();
  private final ScheduledExecutorService timer;
  private volatile boolean writerStalled;

  /** One node's watchdog state; written by {@link #check()} only. */
  private static final class NodeWatch {
    volatile Instant stalledSince;
    Instant sessionActedOn;
  }

  /**
   * @param override one stall timeout for every node (--stall-timeout), or null for the defaults by
   *     node software
   */
  public IngestWatchdog(Daemon daemon, Duration override, InstantSource clock) {
    this.daemon = Objects.requireNonNull(daemon, "daemon");
    this.override = override;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.writerDetector = new StallDetector(override != null ? override : WRITER_TIMEOUT);
    for (String node : daemon.pipeline().nodes().keySet()) {
      nodes.put(node, new NodeWatch());
    }
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("watchdog").daemon().factory());
    daemon.showStalls(this::nodeStalled);
  }

  /**
   * How often {@link #check()} runs: a twelfth of the shortest stall timeout, 1 s at least and 10 s
   * at most. With the default timeouts (2 minutes the shortest) every 10 s, so a stall is seen at
   * most 8% late; with a test's 2 s override every second. Checking every second whatever the
   * timeouts was one wake-up a second of an idle daemon's (#11).
   */
  public Duration checkEvery() {
    return checkEvery(override);
  }

  /** {@link #checkEvery()} of a watchdog with {@code override} (null: the defaults). */
  static Duration checkEvery(Duration override) {
    Duration shortest = override != null ? override : min(RBN_TIMEOUT, WRITER_TIMEOUT);
    Duration every = shortest.dividedBy(CHECKS_PER_TIMEOUT);
    return every.compareTo(MIN_CHECK_EVERY) < 0 ? MIN_CHECK_EVERY : min(every, MAX_CHECK_EVERY);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Checks every {@link #checkEvery()} from now on. */
  public IngestWatchdog start() {
    long every = checkEvery().toNanos();
    timer.scheduleAtFixedRate(this::checkLogged, every, every, TimeUnit.NANOSECONDS);
    return this;
  }

  /** The stall timeout for a node running {@code software}. */
  public Duration timeoutFor(NodeSoftware software) {
    if (override != null) {
      return override;
    }
    return software == NodeSoftware.RBN ? RBN_TIMEOUT : CLUSTER_TIMEOUT;
  }

  /** Whether the node is stalled: from the stall until its next live spot. */
  public boolean nodeStalled(String node) {
    NodeWatch watch = nodes.get(node);
    if (watch == null) {
      throw new IllegalArgumentException("no node named '" + node + "', known: " + nodes.keySet());
    }
    return watch.stalledSince != null;
  }

  public boolean writerStalled() {
    return writerStalled;
  }

  private void checkLogged() {
    try {
      check();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: keep the watchdog alive instead.
      log.error("watchdog: check failed, trying again in {}", checkEvery(), e);
    }
  }

  /** Looks at every node and the writer once, acting on and logging what changed. */
  public synchronized void check() {
    Instant now = clock.instant();
    for (Map.Entry<String, NodeWatch> entry : nodes.entrySet()) {
      checkNode(entry.getKey(), entry.getValue(), now);
    }
    checkWriter(now);
  }

  private void checkNode(String node, NodeWatch watch, Instant now) {
    NodeStatus status = daemon.clusterClient().status(node);
    NodeIngestStats stats = daemon.pipeline().nodes().get(node);
    Instant lastSpot = stats.lastSpotAt();
    Instant loggedInAt = status.loggedInAt().orElse(null);
    // Silence counts from the login, or from the end of a back-pressure pause if later.
    Instant activeSince = later(loggedInAt, status.readingResumedAt().orElse(null));
    Duration timeout = timeoutFor(status.software());
    // A stall means the last spot was more than the timeout before stalledSince, so any spot
    // stamped stalledSince or later arrived after it.
    if (watch.stalledSince != null && lastSpot != null && !lastSpot.isBefore(watch.stalledSince)) {
      log.info(
          "{}: spots flowing again, stalled for {} s",
          node,
          Duration.between(watch.stalledSince, lastSpot).toSeconds());
      watch.stalledSince = null;
      watch.sessionActedOn = null;
    }
    boolean silent =
        new StallDetector(timeout)
            .stalled(
                // Paused for back-pressure, the silence is ours: the writer's watchdog tells it.
                status.isLoggedIn() && !status.readingPaused(), lastSpot, activeSince, now);
    if (!silent || Objects.equals(watch.sessionActedOn, loggedInAt)) {
      return; // nothing new, or this session has been acted on already
    }
    watch.sessionActedOn = loggedInAt;
    String why =
        "no spot for "
            + timeout
            + " (last spot "
            + (lastSpot == null ? "never" : lastSpot)
            + ", logged in "
            + loggedInAt
            + ", software "
            + status.software()
            + ")";
    if (watch.stalledSince == null) {
      watch.stalledSince = now;
      log.warn("{}: stalled: {}; reconnecting to heal it and backfill the gap", node, why);
    } else {
      log.info("{}: still stalled after reconnecting: {}; reconnecting again", node, why);
    }
    daemon.clusterClient().disconnect(node, ReconnectReason.STALLED, why, loggedInAt);
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a.isAfter(b) ? a : b;
  }

  private void checkWriter(Instant now) {
    SpotWriter writer = daemon.writer();
    Instant waitingSince = writer.waitingSince();
    boolean stalled =
        writerDetector.stalled(
            waitingSince != null, writer.stats().lastCommitAt(), waitingSince, now);
    if (stalled != writerStalled) {
      if (stalled) {
        log.warn(
            "writer: stalled: {} rows waiting since {}, nothing committed for {} (last commit {})",
            writer.backlog(),
            waitingSince,
            writerDetector.timeout(),
            writer.stats().lastCommitAt());
      } else {
        log.info("writer: committing again, backlog {}", writer.backlog());
      }
      writerStalled = stalled;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
