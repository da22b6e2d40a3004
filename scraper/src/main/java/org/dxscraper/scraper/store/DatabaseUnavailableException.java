package org.dxscraper.scraper.store;

/**
 * The database could not be reached or started. The message is one line for the operator: which
 * database, what failed, and what to try.
 */
public final class DatabaseUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
