package org.dxscraper.scraper.cluster;

import java.time.Duration;
import java.time.Instant;
import org.dxscraper.scraper.parse.NodeSoftware;

/**
 * Decides how many spots to ask a node for ({@code sh/dx N}) when a session logs in after a gap:
 * the node's recent spot rate times the gap, with a margin, at least {@link #MIN_SPOTS} and at most
 * the node's {@link NodeConfig#backfillMax()}, which wins. The history lines carry full dates and
 * the spot's identity key makes the overlap with what is already stored free, so erring high costs
 * only a few lines.
 *
 * <p>One per node, kept across its sessions; used only on the node's event loop.
 */
final class BackfillPlanner {

  /** Asking for fewer than this saves nothing and misses the spots of a slow gap's first minute. */
  static final int MIN_SPOTS = 10;

  /** A session shorter than this says too little about the node's rate; the last estimate stays. */
  static final Duration MIN_RATE_SAMPLE = Duration.ofMinutes(1);

  private static final double MARGIN = 1.5;

  private final int max;
  private final boolean atStart;
  private double spotsPerSecond = Double.NaN;
  private Instant sessionStart;
  private long sessionSpots;
  private Instant lastSpotAt;
  private Instant gapStart;
  private boolean startedOnce;

  /**
   * @param max the most spots to ask for; 0 never asks
   * @param atStart whether the first session of the process asks too (for what was missed while the
   *     daemon was stopped); it asks for {@code max}, the gap being unknown
   */
  BackfillPlanner(int max, boolean atStart) {
    this.max = max;
    this.atStart = atStart;
  }

  /**
   * A session logged in at {@code now}: returns N for {@code sh/dx N}, or 0 for none.
   *
   * @param software RBN keeps no history, so it is never asked
   */
  int loggedIn(NodeSoftware software, Instant now) {
    boolean first = !startedOnce;
    startedOnce = true;
    sessionStart = now;
    sessionSpots = 0;
    if (max == 0 || software == NodeSoftware.RBN) {
      return 0;
    }
    if (first || gapStart == null) {
      return first && atStart ? max : 0;
    }
    if (Double.isNaN(spotsPerSecond)) {
      return max; // the gap is known, the rate is not: ask for all we may
    }
    double gapSeconds = Math.max(0, Duration.between(gapStart, now).toMillis() / 1000.0);
    long wanted = (long) Math.ceil(spotsPerSecond * gapSeconds * MARGIN);
    return (int) Math.min(max, Math.max(MIN_SPOTS, wanted));
  }

  /** A live spot ({@code DX de} after login) arrived at {@code at}. */
  void spotReceived(Instant at) {
    sessionSpots++;
    lastSpotAt = at;
  }

  /**
   * The session ended. The gap began at its last spot (a dead or stuck connection is silent before
   * it is closed); a session without spots leaves the gap where it began.
   */
  void sessionEnded() {
    if (sessionStart == null) {
      return; // never logged in: the previous gap goes on
    }
    if (sessionSpots > 0) {
      Duration sampled = Duration.between(sessionStart, lastSpotAt);
      if (sampled.compareTo(MIN_RATE_SAMPLE) >= 0) {
        spotsPerSecond = sessionSpots / (sampled.toMillis() / 1000.0);
      }
      gapStart = lastSpotAt;
    } else if (gapStart == null) {
      gapStart = sessionStart;
    }
    sessionStart = null;
  }

  @Override
  public String toString() {
    return "BackfillPlanner[max="
        + max
        + ", atStart="
        + atStart
        + ", spotsPerSecond="
        + spotsPerSecond
        + "]";
  }
}
