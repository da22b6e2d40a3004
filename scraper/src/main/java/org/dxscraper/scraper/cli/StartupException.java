package org.dxscraper.scraper.cli;

/**
 * A command could not start for a reason in the environment, not in its arguments (a port already
 * taken): exit 1, not 2. The message is the one line the operator reads: what, where, and what to
 * try.
 */
final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
