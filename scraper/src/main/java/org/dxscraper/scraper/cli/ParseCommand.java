package org.dxscraper.scraper.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dx-scraper parse}: not built yet. */
@Command(name = "parse", mixinStandardHelpOptions = true, description = "Not built yet.")
final class ParseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("dx-scraper: parse is not built yet");
    return Main.EXIT_FAILED;
  }
}
