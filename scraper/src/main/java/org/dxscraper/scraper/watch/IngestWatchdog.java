package org.dxscraper.scraper.watch;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.dxscraper.instrumentation.watch.StallDetector;
import org.dxscraper.scraper.cluster.NodeStatus;
import org.dxscraper.scraper.ingest.Daemon;
import org.dxscraper.scraper.ingest.NodeIngestStats;
import org.dxscraper.scraper.parse.NodeSoftware;
import org.dxscraper.scraper.store.SpotWriter;

/**
 * Says whether ingest has stalled: a node that is logged in but has sent no spot for its stall
 * timeout (a half-open TCP connection, a stuck node), or a writer with rows waiting that has
 * committed nothing for {@link #WRITER_TIMEOUT}. Reads the same timestamps the metrics show;
 * thread-safe, cheap enough to call on every scrape.
 *
 * <p>Default stall timeouts by node software, from what nodes send (PROTOCOL.md): RBN streams
 * several spots a second, so two silent minutes mean trouble; a human cluster can be quiet for many
 * minutes at night, so it gets fifteen.
 */
public final class IngestWatchdog {
  public static final Duration RBN_TIMEOUT = Duration.ofMinutes(2);
  public static final Duration CLUSTER_TIMEOUT = Duration.ofMinutes(15);
  public static final Duration WRITER_TIMEOUT = Duration.ofMinutes(2);

  private final Daemon daemon;
  private final Duration override;
  private final InstantSource clock;
  private final StallDetector writerDetector;

  /**
   * @param override one stall timeout for every node (--stall-timeout), or null for the defaults by
   *     node software
   */
  public IngestWatchdog(Daemon daemon, Duration override, InstantSource clock) {
    this.daemon = Objects.requireNonNull(daemon, "daemon");
    this.override = override;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.writerDetector = new StallDetector(override != null ? override : WRITER_TIMEOUT);
  }

  /** The stall timeout for a node running {@code software}. */
  public Duration timeoutFor(NodeSoftware software) {
    if (override != null) {
      return override;
    }
    return software == NodeSoftware.RBN ? RBN_TIMEOUT : CLUSTER_TIMEOUT;
  }

  public boolean nodeStalled(String node) {
    NodeStatus status = daemon.clusterClient().status(node);
    NodeIngestStats stats = daemon.pipeline().nodes().get(node);
    return new StallDetector(timeoutFor(status.software()))
        .stalled(
            // Paused for back-pressure, the silence is ours: the writer's watchdog tells it.
            status.isLoggedIn() && !status.readingPaused(),
            stats.lastSpotAt(),
            status.loggedInAt().orElse(null),
            clock.instant());
  }

  public boolean writerStalled() {
    SpotWriter writer = daemon.writer();
    Instant waitingSince = writer.waitingSince();
    return writerDetector.stalled(
        waitingSince != null, writer.stats().lastCommitAt(), waitingSince, clock.instant());
  }
}
