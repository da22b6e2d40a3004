package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Start-up errors that the command line catches before anything starts: exit 2, one clear line. */
class StartupErrorsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(Map<String, String> environment, String... args) {
    CommandLine commandLine = Main.commandLine(environment);
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return commandLine.execute(args);
  }

  private static ch.qos.logback.classic.Logger root() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  }

  @AfterEach
  void restoreLogLevel() {
    root().setLevel(Level.INFO);
  }

  @Test
  void dbUrlThatIsNotPostgresJdbcIsAUsageErrorNamingTheExpectedForm() {
    int exit = execute(Map.of(), "migrate", "--db-url", "http://foo/?password=hunter2");

    assertThat(exit).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString().lines().findFirst())
        .hasValue(
            "dx-scraper: --db-url must be a PostgreSQL JDBC URL,"
                + " jdbc:postgresql://HOST[:PORT]/DATABASE, got 'http://foo/?password=***'");
    assertThat(err.toString()).doesNotContain("hunter2", "Exception", "\tat ");
  }

  @Test
  void dbUrlFromTheEnvironmentIsCheckedTheSameWay() {
    int exit = execute(Map.of("DX_SCRAPER_DB_URL", "postgres://db/dx"), "migrate");

    assertThat(exit).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).startsWith("dx-scraper: --db-url must be a PostgreSQL JDBC URL");
  }

  @Test
  void logLevelOutsideTheFiveIsAUsageErrorListingThem() {
    int exit = execute(Map.of(), "--log-level", "LOUD", "parse", "--help");

    assertThat(exit).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString().lines().findFirst())
        .hasValue(
            "dx-scraper: Invalid value for option '--log-level': 'LOUD' is not a log level: use one"
                + " of ERROR,"
                + " WARN, INFO, DEBUG, TRACE (any case)");
  }

  @Test
  void logLevelOfASubcommandIsCheckedToo() {
    int exit = execute(Map.of(), "migrate", "--log-level", "verbose");

    assertThat(exit).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString()).contains("'verbose' is not a log level");
  }

  @Test
  void logLevelInAnyCaseIsTaken() {
    CommandLine commandLine = Main.commandLine(Map.of());

    commandLine.parseArgs("parse", "--log-level", "warn");
    Level afterLowerCase = root().getLevel();
    commandLine = Main.commandLine(Map.of("DX_SCRAPER_LOG_LEVEL", "Error"));
    commandLine.parseArgs("parse");

    assertThat(afterLowerCase).isEqualTo(Level.WARN);
    assertThat(root().getLevel()).isEqualTo(Level.ERROR);
  }

  @Test
  void twoNodesWithTheSameNameAreAUsageErrorBeforeTheDatabaseStarts() {
    int exit =
        execute(
            Map.of(),
            "run",
            "--callsign",
            "N0CALL",
            "--node",
            "a=127.0.0.1:7300",
            "--node",
            "a=127.0.0.1:7301",
            // Would fail at once if the command got as far as the database.
            "--db-url",
            "jdbc:postgresql://127.0.0.1:1/none");

    assertThat(exit).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString().lines().findFirst())
        .hasValue(
            "dx-scraper: --node names must be unique, got 'a' twice: give each node its own NAME=");
  }
}
