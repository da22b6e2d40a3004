package org.dxscraper.scraper.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dx-scraper simulate}: not built yet. */
@Command(name = "simulate", mixinStandardHelpOptions = true, description = "Not built yet.")
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("dx-scraper: simulate is not built yet");
    return Main.EXIT_FAILED;
  }
}
