package org.dxscraper.scraper.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
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
      HealthCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  dx-scraper run --callsign N0CALL --node nc7j=dxc.nc7j.com:7373",
      "  dx-scraper simulate --rate 20 > sent.txt &",
      "  dx-scraper run --callsign N0CALL --node sim=127.0.0.1:7300",
      "  dx-scraper help run",
      "",
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

  /** How log lines look on stderr. */
  enum LogFormat {
    TEXT,
    /** One JSON object per line (logback's JsonEncoder), for Loki, journald or jq. */
    JSON
  }

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      defaultValue = "text",
      converter = LogFormatConverter.class,
      description = "text, or json: one JSON object per line (default: ${DEFAULT-VALUE}).")
  void setLogFormat(LogFormat format) {
    if (format != LogFormat.JSON) {
      return;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Appender<ILoggingEvent> appender =
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogSetup.APPENDER);
    if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // The message as written, not the pattern and its arguments (which the encoder would print
      // over several lines); no logger-context or sequence noise.
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithContext(false);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.start();
      console.stop();
      console.setEncoder(json);
      console.start();
    }
  }

  /** text or json, in any case, whichever CommandLine parses it. */
  static final class LogFormatConverter implements CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      for (LogFormat format : LogFormat.values()) {
        if (format.name().equalsIgnoreCase(value.strip())) {
          return format;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a log format: use text or json");
    }
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
        .setParameterExceptionHandler(Main::reportUsageError)
        .setExecutionExceptionHandler(Main::reportFailure);
  }

  /**
   * A usage error is the one line that says what is wrong and where the help is, not the whole
   * usage after it (80 lines for {@code run}, which hid the line that mattered).
   */
  private static int reportUsageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("dx-scraper: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for its options.");
    err.flush();
    return EXIT_USAGE;
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
