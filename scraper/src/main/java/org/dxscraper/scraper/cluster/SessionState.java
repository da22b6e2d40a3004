package org.dxscraper.scraper.cluster;

/**
 * Where one connection to a node stands in its login.
 *
 * <pre>
 * CONNECTING -&gt; AWAITING_LOGIN_PROMPT -&gt; SENT_CALLSIGN [-&gt; SENT_PASSWORD] -&gt; LOGGED_IN
 *                                   any state before LOGGED_IN -&gt; FAILED
 *                                                   LOGGED_IN -&gt; DISCONNECTED
 *                         (another client took our callsign) -&gt; TAKEN_OVER, waiting long
 * </pre>
 */
public enum SessionState {
  /** TCP connect under way. */
  CONNECTING,
  /** Connected, waiting for {@code login: } or its relatives. */
  AWAITING_LOGIN_PROMPT,
  /** The callsign went out; waiting for the first prompt line or broadcast. */
  SENT_CALLSIGN,
  /** The node asked for a password and got it. */
  SENT_PASSWORD,
  /** The node showed its prompt or a broadcast: lines are spots from now on. */
  LOGGED_IN,
  /** Login did not complete: rejected callsign, timeout, or the node closed first. */
  FAILED,
  /** The connection closed after a successful login. */
  DISCONNECTED,
  /**
   * Another client logged in with our callsign-SSID and the node dropped us (or refused a second
   * login); the next attempt waits long so that the two do not throw each other out all day.
   */
  TAKEN_OVER;

  /** Whether this state is on the way to a login, i.e. neither done nor given up. */
  boolean isLoggingIn() {
    return this == AWAITING_LOGIN_PROMPT || this == SENT_CALLSIGN || this == SENT_PASSWORD;
  }
}
