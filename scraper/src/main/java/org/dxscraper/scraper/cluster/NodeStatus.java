package org.dxscraper.scraper.cluster;

import java.time.Instant;
import java.util.Optional;
import org.dxscraper.scraper.parse.NodeSoftware;

/**
 * What is known about one node right now; one instance per configured node, kept across reconnects.
 *
 * <p>Written only on the node's event loop; every getter may be called from any thread and sees the
 * latest value (volatile fields, no locks).
 */
public final class NodeStatus {

  private final String name;
  private final NodeCounters counters = new NodeCounters();
  private volatile SessionState state = SessionState.CONNECTING;
  private volatile NodeSoftware software = NodeSoftware.UNKNOWN;
  private volatile boolean connected;
  private volatile String lastFailure;
  private volatile Instant lastLineAt;
  private volatile Instant loggedInAt;
  private volatile boolean readingPaused;
  private volatile NodeAddress address;
  private volatile Instant retryAt;
  private volatile Instant readingResumedAt;
  // Written and read on the event loop only: how the current session is to end, if on purpose.
  private ReconnectReason closeReason;
  // Event loop only: whether the current session received a broadcast after login.
  private boolean delivered;

  NodeStatus(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  public SessionState state() {
    return state;
  }

  /** The software seen on the current or the last connection. */
  public NodeSoftware software() {
    return software;
  }

  /** Whether a TCP connection is open. */
  public boolean isConnected() {
    return connected;
  }

  public boolean isLoggedIn() {
    return state == SessionState.LOGGED_IN;
  }

  /** Why the last connect or login failed; cleared by the next successful login. */
  public Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /** When the last complete line arrived: what a watchdog compares with now. */
  public Optional<Instant> lastLineAt() {
    return Optional.ofNullable(lastLineAt);
  }

  /** When the current (or last) session logged in: a watchdog measures silence from here. */
  public Optional<Instant> loggedInAt() {
    return Optional.ofNullable(loggedInAt);
  }

  /**
   * Whether reading from the node is paused for back-pressure: its silence is then ours, not the
   * node's, and no watchdog should blame it.
   */
  public boolean readingPaused() {
    return readingPaused;
  }

  public NodeCounters counters() {
    return counters;
  }

  /** The address of the current or the last connection attempt. */
  public Optional<NodeAddress> address() {
    return Optional.ofNullable(address);
  }

  /**
   * When reading last resumed after a back-pressure pause: buffered lines are read from then on, so
   * a watchdog measures silence from no earlier than this.
   */
  public Optional<Instant> readingResumedAt() {
    return Optional.ofNullable(readingResumedAt);
  }

  void readingResumedAt(Instant at) {
    readingResumedAt = at;
  }

  /** When the next connection attempt is due, while one is scheduled. */
  public Optional<Instant> retryAt() {
    return Optional.ofNullable(retryAt);
  }

  void address(NodeAddress current) {
    address = current;
  }

  void retryAt(Instant at) {
    retryAt = at;
  }

  /** Marks why the session is being closed on purpose; the connector reads it at the close. */
  void closeReason(ReconnectReason reason) {
    closeReason = reason;
  }

  /** The reason set by {@link #closeReason(ReconnectReason)}, cleared on reading. */
  ReconnectReason takeCloseReason() {
    ReconnectReason reason = closeReason;
    closeReason = null;
    return reason;
  }

  /** Whether the current session has received a broadcast since it logged in. */
  boolean delivered() {
    return delivered;
  }

  void delivered(boolean value) {
    delivered = value;
  }

  void state(SessionState newState) {
    state = newState;
  }

  void software(NodeSoftware newSoftware) {
    software = newSoftware;
  }

  void connected(boolean isConnected) {
    connected = isConnected;
  }

  void failure(String reason) {
    lastFailure = reason;
  }

  void readingPaused(boolean paused) {
    readingPaused = paused;
  }

  void loggedInAt(Instant at) {
    loggedInAt = at;
  }

  void lineAt(Instant receivedAt) {
    lastLineAt = receivedAt;
  }

  @Override
  public String toString() {
    return "NodeStatus[name="
        + name
        + ", state="
        + state
        + ", software="
        + software
        + ", connected="
        + connected
        + ", address="
        + address
        + ", lastFailure="
        + lastFailure
        + "]";
  }
}
