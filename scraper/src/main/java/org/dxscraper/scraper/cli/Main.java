package org.dxscraper.scraper.cli;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dxscraper.scraper.store.DatabaseUnavailableException;
import org.dxscraper.scraper.store.Migrations.MigrationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code dx-scraper} command line: parses options and runs one subcommand. */
@Command(
    name = "dx-scraper",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Ingests DX cluster spots into PostgreSQL and serves metrics about itself, its host and its"
          + " database.",
    },
    subcommands = {
      RunCommand.class,
      MigrateCommand.class,
      ParseCommand.class,
      SimulateCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%n",
    footer = {
      "Every option can also come from the environment: DX_SCRAPER_ and the option's name in"
          + " upper case with _ for -, e.g. --db-url is DX_SCRAPER_DB_URL. The command line wins.",
      "Exit codes: 0 done, 1 failed (the reason is on stderr), 2 usage error."
    })
public final class Main implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  static {
    // jOOQ prints a banner and tips on first use; a daemon's log is not the place.
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
  }

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      scope = ScopeType.INHERIT,
      defaultValue = "INFO",
      converter = LogLevelConverter.class,
      description = "ERROR, WARN, INFO, DEBUG or TRACE, any case (default: ${DEFAULT-VALUE}).")
  void setLogLevel(Level level) {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(System.getenv(), args));
  }

  /** Runs the command line as {@code main} would, without exiting; returns the exit code. */
  static int execute(Map<String, String> environment, String... args) {
    return commandLine(environment).execute(args);
  }

  /** The command line as {@code main} builds it; tests set its output streams. */
  static CommandLine commandLine(Map<String, String> environment) {
    return new CommandLine(new Main())
        .setDefaultValueProvider(new EnvironmentDefaults(environment))
        .setExecutionExceptionHandler(Main::reportFailure);
  }

  private static int reportFailure(Exception e, CommandLine commandLine, ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    if (e instanceof DatabaseUnavailableException
        || e instanceof MigrationException
        || e instanceof StartupException) {
      // The message already says which database, what failed and what to try.
      log.debug("Failure detail", e);
      err.println("dx-scraper: " + e.getMessage());
    } else {
      log.error("dx-scraper {} failed", commandLine.getCommandName(), e);
      err.println("dx-scraper: " + commandLine.getCommandName() + " failed: " + e);
    }
    err.flush();
    return EXIT_FAILED;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }
}
