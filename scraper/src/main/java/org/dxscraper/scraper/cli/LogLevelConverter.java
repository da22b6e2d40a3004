package org.dxscraper.scraper.cli;

import ch.qos.logback.classic.Level;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --log-level}: one of {@link #LEVELS}, in any case. Logback's own parser takes any
 * other word as its default level, so a typo would go unnoticed.
 */
final class LogLevelConverter implements ITypeConverter<Level> {
  static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

  @Override
  public Level convert(String value) {
    String name = value.strip().toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(name)) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a log level: use one of "
              + String.join(", ", LEVELS)
              + " (any case)");
    }
    return Level.toLevel(name);
  }
}
