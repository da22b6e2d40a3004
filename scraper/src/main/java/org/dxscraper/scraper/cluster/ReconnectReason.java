package org.dxscraper.scraper.cluster;

import java.util.Locale;

/** Why a node is being connected again; a metric label, so a short, fixed set. */
public enum ReconnectReason {
  /** The TCP connect failed or timed out. */
  CONNECT_FAILED,
  /** Connected, but the login did not complete (rejected callsign, timeout, closed early). */
  LOGIN_FAILED,
  /** A logged-in session was closed by the node or the network. */
  CLOSED,
  /** Nothing at all arrived, not even the answer to a keepalive probe: the connection was dead. */
  IDLE,
  /** The node answered but sent no spot for its stall timeout; the watchdog reconnected it. */
  STALLED,
  /** Another client logged in with the same callsign and the node closed this session. */
  TAKEN_OVER;

  /** The metric label value: lower case with underscores. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
