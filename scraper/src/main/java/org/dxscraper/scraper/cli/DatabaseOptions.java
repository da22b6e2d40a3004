package org.dxscraper.scraper.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.dxscraper.scraper.store.DatabaseConfig;
import org.dxscraper.scraper.store.JdbcUrls;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options that say which PostgreSQL to use; shared by every command that needs one. */
final class DatabaseOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--db-url",
      paramLabel = "JDBC",
      // An address or URL starts its own line: the help's line breaking would split it at ':'.
      description = {
        "JDBC URL of a PostgreSQL server, e.g.",
        "jdbc:postgresql://127.0.0.1:5432/dx",
        "Without it an embedded PostgreSQL runs under --data-dir."
      })
  String url;

  @Option(
      names = "--db-user",
      paramLabel = "USER",
      description = "User for --db-url (default: the operating-system user).")
  String user;

  @Option(
      names = "--db-password",
      paramLabel = "PASSWORD",
      description =
          "Password for --db-url. Prefer --db-password-file or DX_SCRAPER_DB_PASSWORD: a"
              + " command line is visible to every user of the machine.")
  String password;

  @Option(
      names = "--db-password-file",
      paramLabel = "FILE",
      description = "Read the password for --db-url from FILE (first line).")
  Path passwordFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "./dx-scraper-data",
      description = "Data directory of the embedded PostgreSQL (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--embedded-db-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "Port of the embedded PostgreSQL on 127.0.0.1; 0 picks a free one and logs it"
              + " (default: ${DEFAULT-VALUE}).")
  int embeddedPort;

  @Option(
      names = "--db-connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "PT10S",
      converter = DurationConverter.class,
      description = "How long to wait for the database to answer, e.g. 10s (default: 10s).")
  Duration connectTimeout;

  DatabaseConfig toConfig() {
    if (password != null && passwordFile != null) {
      throw new ParameterException(
          spec.commandLine(), "give --db-password or --db-password-file, not both");
    }
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      throw new ParameterException(
          spec.commandLine(),
          "--db-url must be a PostgreSQL JDBC URL, jdbc:postgresql://HOST[:PORT]/DATABASE, got '"
              + JdbcUrls.redact(url)
              + "'");
    }
    String secret =
        passwordFile == null
            ? password
            : SecretFiles.firstLine(spec, "--db-password-file", passwordFile);
    try {
      return new DatabaseConfig(url, user, secret, dataDir, embeddedPort, connectTimeout);
    } catch (IllegalArgumentException e) {
      // picocli's five-argument constructor insists on an ArgSpec or a value: this one has neither.
      ParameterException usage = new ParameterException(spec.commandLine(), e.getMessage());
      usage.initCause(e);
      throw usage;
    }
  }
}
