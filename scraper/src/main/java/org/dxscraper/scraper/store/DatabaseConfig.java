package org.dxscraper.scraper.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the daemon's PostgreSQL is: a server at {@code url}, or, when {@code url} is null, an
 * embedded server whose data lives under {@code dataDir}.
 *
 * @param url JDBC URL of an existing server, or null for the embedded one
 * @param user user for {@code url}; null lets the driver use the operating-system user
 * @param password password for {@code url}; null for none. Never printed: see {@link #toString()}
 * @param dataDir data directory of the embedded server
 * @param embeddedPort TCP port of the embedded server on 127.0.0.1; 0 picks a free one
 * @param connectTimeout how long to wait for the server to answer
 */
public record DatabaseConfig(
    String url,
    String user,
    String password,
    Path dataDir,
    int embeddedPort,
    Duration connectTimeout) {

  public DatabaseConfig {
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "database URL must start with jdbc:postgresql:, got " + JdbcUrls.redact(url));
    }
    Objects.requireNonNull(dataDir, "dataDir");
    if (embeddedPort < 0 || embeddedPort > 65535) {
      throw new IllegalArgumentException(
          "embedded database port must be 0..65535 (0 picks a free one), got " + embeddedPort);
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect timeout must be positive, got " + connectTimeout);
    }
  }

  public boolean embedded() {
    return url == null;
  }

  /**
   * Where the embedded server keeps its files: {@code DATA-DIR/postgres}, or {@code DATA-DIR}
   * itself when it already holds a server made before the journal shared the directory (PostgreSQL
   * ignores the {@code journal} directory beside its own files).
   */
  public Path embeddedDir() {
    Path dir = dataDir.toAbsolutePath().normalize();
    return Files.exists(dir.resolve("PG_VERSION")) ? dir : dir.resolve("postgres");
  }

  /** Where the journal lives: {@code DATA-DIR/journal}, with either database. */
  public Path journalDir() {
    return dataDir.toAbsolutePath().normalize().resolve("journal");
  }

  /** Says where the data goes without the password, so that it may be logged. */
  @Override
  public String toString() {
    return embedded()
        ? "embedded PostgreSQL under " + embeddedDir()
        : JdbcUrls.redact(url) + (user == null ? "" : " as " + user);
  }
}
