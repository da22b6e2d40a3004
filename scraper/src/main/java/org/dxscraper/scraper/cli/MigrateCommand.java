package org.dxscraper.scraper.cli;

import java.util.concurrent.Callable;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.Migrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dx-scraper migrate}: brings the schema up to date and exits. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Creates or updates the schema (tables, views, roles) and exits. Running it again changes"
          + " nothing. 'run' does the same on start-up; use this to prepare a server as its owner."
    },
    footerHeading = "%nExample:%n",
    footer = {"  dx-scraper migrate --db-url jdbc:postgresql://db.lan:5432/dx --db-user dx"})
final class MigrateCommand implements Callable<Integer> {
  @Mixin DatabaseOptions database;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (Database db = Database.open(database.toConfig())) {
      Migrations.Result result = Migrations.migrate(db.dataSource());
      spec.commandLine().getOut().println("dx-scraper: " + db + ": " + result.summary());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
