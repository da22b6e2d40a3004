package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} as a terminal of 80 columns (and every pipe) shows it: addresses, URLs and paths
 * stay whole, so that they can be copied, and every command shows examples.
 */
class HelpTextTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "run", "migrate", "parse", "simulate", "health"})
  void nothingCopyableIsBrokenAcrossLines(String command) {
    CommandLine cli = command(command);
    String usage = cli.getUsageMessage(Ansi.OFF);

    List<String> copyable = new ArrayList<>();
    for (OptionSpec option : cli.getCommandSpec().options()) {
      for (String line : option.description()) {
        for (String token : line.split("\\s+")) {
          String bare = token.replaceAll("^[(']+|[).,;:']+$", "");
          if (bare.matches(".*[:/].*") && !bare.endsWith(":")) {
            copyable.add(bare);
          }
        }
      }
    }
    for (String token : copyable) {
      assertThat(usage).as("'%s' unbroken in the help of '%s'", token, command).contains(token);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "run", "migrate", "parse", "simulate", "health"})
  void everyCommandShowsAnExample(String command) {
    String usage = command(command).getUsageMessage(Ansi.OFF);

    assertThat(usage).containsPattern("(?m)^Examples?:$").containsPattern("(?m)^  dx-scraper ");
    for (String line : command(command).getCommandSpec().usageMessage().footer()) {
      if (line.startsWith("  ")) {
        assertThat(usage).as("an example of '%s', not wrapped", command).contains(line);
      }
    }
  }

  @Test
  void theAddressesAUserCopiesMostAreWhole() {
    assertThat(command("run").getUsageMessage(Ansi.OFF))
        .contains("127.0.0.1:9464", "jdbc:postgresql://");
  }

  private static CommandLine command(String name) {
    CommandLine main = Main.commandLine(Map.of());
    CommandLine cli = name.isEmpty() ? main : main.getSubcommands().get(name);
    cli.setUsageHelpAutoWidth(false);
    cli.setUsageHelpWidth(80);
    return cli;
  }
}
