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
  /** A logged-in session was closed on purpose, e.g. by the stall watchdog. */
  DISCONNECTED;

  /** The metric label value: lower case with underscores. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
