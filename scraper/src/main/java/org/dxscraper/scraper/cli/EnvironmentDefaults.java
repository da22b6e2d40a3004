package org.dxscraper.scraper.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lets every option be set from the environment: {@code --db-url} reads {@code DX_SCRAPER_DB_URL},
 * {@code --node} reads {@code DX_SCRAPER_NODE} (several values separated by commas). An option
 * given on the command line wins over the environment, which wins over the built-in default.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  static final String PREFIX = "DX_SCRAPER_";

  private final Map<String, String> environment;

  EnvironmentDefaults(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  static String variableFor(OptionSpec option) {
    String name = option.longestName().replaceFirst("^-+", "");
    return PREFIX + name.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String value = environment.get(variableFor(option));
    if (value != null && !value.isBlank()) {
      return value;
    }
    // Returning the annotation's default keeps "${DEFAULT-VALUE}" in the help text right.
    return option.defaultValue();
  }
}
