package org.dxscraper.scraper.cli;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * dx-scraper's logging, set up in code (logback finds this class through {@code
 * META-INF/services}): lines on stderr, since stdout carries command output (parse's JSON,
 * simulate's sent lines); UTC times; libraries at WARN or ERROR.
 *
 * <p>In code rather than in a {@code logback.xml} because logback's XML configuration loads about
 * 600 classes more (2.7 MB of metaspace, measured; with a 48 MB heap the daemon's resident memory
 * is mostly class metadata). An operator's own file still wins: with {@code
 * -Dlogback.configurationFile=...}, or a {@code logback-test.xml} on the class path (the tests'),
 * this steps aside and logback reads that file as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  /** The appender's name; {@code --log-format json} swaps its encoder. */
  static final String APPENDER = "STDERR";

  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{0} - %msg%n";

  /**
   * Libraries speak only when something is wrong; dx-scraper says what they did. HikariCP's pool
   * logs every failed connection attempt while the database is down with a 30-line stack trace
   * (about one a minute, measured in a 5-minute outage) and every broken connection; the writer and
   * the database sampler already say once that the database is down, and when it is back.
   * Open-source jOOQ warns on PostgreSQL older than its newest; what we run (inserts with ON
   * CONFLICT DO NOTHING, plain selects) works from 9.5 on, and the tests run it on 15 and 17.
   */
  static final Map<String, Level> LIBRARY_LEVELS =
      Map.of(
          "io.zonky", Level.WARN,
          "org.flywaydb", Level.WARN,
          "com.zaxxer.hikari", Level.WARN,
          "com.zaxxer.hikari.pool.PoolBase", Level.ERROR,
          "com.zaxxer.hikari.pool.ProxyConnection", Level.ERROR,
          "org.jooq", Level.WARN,
          "org.jooq.impl.DefaultExecuteContext.logVersionSupport", Level.ERROR);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String operatorFile = System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
    if ((operatorFile != null && resolves(operatorFile))
        || LogSetup.class.getClassLoader().getResource(ClassicConstants.TEST_AUTOCONFIG_FILE)
            != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName(APPENDER);
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    if (operatorFile != null) {
      // Without this, logback would find no file and fall back to DEBUG lines on stdout.
      context
          .getLogger(LogSetup.class)
          .warn(
              "-D{}={}: no such file, URL or class-path resource; logging as built in",
              ClassicConstants.CONFIG_FILE_PROPERTY,
              operatorFile);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Where logback itself would look for the file: a URL, a class-path resource, a file. */
  private static boolean resolves(String location) {
    try {
      URI uri = new URI(location);
      if (uri.getScheme() != null && uri.getScheme().length() > 1) {
        return true; // a URL (file:, http:, jar:); one letter is a Windows drive
      }
    } catch (URISyntaxException notAUrl) {
      // a path with characters a URI does not allow: try it as a file
    }
    if (LogSetup.class.getClassLoader().getResource(location) != null) {
      return true;
    }
    try {
      return Files.isRegularFile(Path.of(location));
    } catch (InvalidPathException notAPath) {
      return false;
    }
  }
}
