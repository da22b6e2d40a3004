package org.dxscraper.scraper.cluster;

import java.util.EnumMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals for one node, kept across reconnects for the life of the client.
 *
 * <p>Written on the node's event loop, read from any thread (a metrics scrape). {@link LongAdder}
 * because the line counter is bumped for every line on the hot path while reads are rare.
 */
public final class NodeCounters {

  private final LongAdder linesReceived = new LongAdder();
  private final LongAdder overlongLinesDiscarded = new LongAdder();
  private final LongAdder negotiationsRefused = new LongAdder();
  private final LongAdder logins = new LongAdder();
  private final LongAdder loginFailures = new LongAdder();
  private final LongAdder disconnects = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder connectionErrors = new LongAdder();
  private final EnumMap<ReconnectReason, LongAdder> reconnectsByReason =
      new EnumMap<>(ReconnectReason.class);

  NodeCounters() {
    for (ReconnectReason reason : ReconnectReason.values()) {
      reconnectsByReason.put(reason, new LongAdder());
    }
  }

  private final LongAdder sinkFailures = new LongAdder();
  private final LongAdder backfillRequests = new LongAdder();
  private final LongAdder probes = new LongAdder();
  private final LongAdder takeovers = new LongAdder();

  /** Complete lines framed (before and after login). */
  public long linesReceived() {
    return linesReceived.sum();
  }

  /** Lines longer than {@link NodeConfig#maxLineLength()} that were dropped. */
  public long overlongLinesDiscarded() {
    return overlongLinesDiscarded.sum();
  }

  /** Telnet DO/WILL requests answered with WONT/DONT. */
  public long negotiationsRefused() {
    return negotiationsRefused.sum();
  }

  /** Logins that completed. */
  public long logins() {
    return logins.sum();
  }

  /** Logins that failed (rejected callsign, timeout, closed by the node during login). */
  public long loginFailures() {
    return loginFailures.sum();
  }

  /** Connections that closed after they were established, for any reason. */
  public long disconnects() {
    return disconnects.sum();
  }

  /** Connection attempts after the first one. */
  public long reconnects() {
    return reconnects.sum();
  }

  /** Lines the {@link LineSink} threw on. */
  public long sinkFailures() {
    return sinkFailures.sum();
  }

  void lineReceived() {
    linesReceived.increment();
  }

  void overlongLineDiscarded() {
    overlongLinesDiscarded.increment();
  }

  void negotiationRefused() {
    negotiationsRefused.increment();
  }

  void loggedIn() {
    logins.increment();
  }

  void loginFailed() {
    loginFailures.increment();
  }

  void disconnected() {
    disconnects.increment();
  }

  /**
   * Failed connects, failed logins and logged-in sessions the node or the network closed, each
   * counted when it happens (not at the next attempt, which may be a minute later).
   */
  public long connectionErrors() {
    return connectionErrors.sum();
  }

  void connectionError() {
    connectionErrors.increment();
  }

  /** Connection attempts after the first one that followed {@code reason}. */
  public long reconnects(ReconnectReason reason) {
    return reconnectsByReason.get(reason).sum();
  }

  void reconnecting(ReconnectReason reason) {
    reconnectsByReason.get(reason).increment();
    reconnects.increment();
  }

  void sinkFailed() {
    sinkFailures.increment();
  }

  /** {@code sh/dx N} requests sent to fill a gap. */
  public long backfillRequests() {
    return backfillRequests.sum();
  }

  void backfillRequested() {
    backfillRequests.increment();
  }

  /** Keepalive probes sent to a silent connection. */
  public long probes() {
    return probes.sum();
  }

  void probeSent() {
    probes.increment();
  }

  /** Sessions lost to another client logging in with our callsign, counted as they happen. */
  public long takeovers() {
    return takeovers.sum();
  }

  void takenOver() {
    takeovers.increment();
  }

  @Override
  public String toString() {
    return "NodeCounters[lines="
        + linesReceived()
        + ", overlong="
        + overlongLinesDiscarded()
        + ", refused="
        + negotiationsRefused()
        + ", logins="
        + logins()
        + ", loginFailures="
        + loginFailures()
        + ", disconnects="
        + disconnects()
        + ", reconnects="
        + reconnects()
        + ", sinkFailures="
        + sinkFailures()
        + "]";
  }
}
