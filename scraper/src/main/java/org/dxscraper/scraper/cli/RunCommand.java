package org.dxscraper.scraper.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.Migrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dx-scraper run}: the daemon. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Logs in to the given cluster nodes and stores every spot in PostgreSQL (embedded under"
          + " --data-dir unless --db-url names a server)."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = "--callsign",
      paramLabel = "CALL",
      description = "Your callsign, sent at the node's login prompt. Required.")
  String callsign;

  @Option(
      names = "--node",
      paramLabel = "NAME=HOST:PORT",
      split = ",",
      description = "A cluster node to log in to; repeat for several. Required.")
  List<String> nodes;

  @Mixin DatabaseOptions database;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (callsign == null || callsign.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--callsign is required (or DX_SCRAPER_CALLSIGN)");
    }
    if (nodes == null || nodes.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "at least one --node NAME=HOST:PORT is required (or DX_SCRAPER_NODE)");
    }
    try (Database db = Database.open(database.toConfig())) {
      log.info("{}: {}", db, Migrations.migrate(db.dataSource()).summary());
      log.warn("The ingest pipeline is not built yet; the database is ready at {}", db.jdbcUrl());
    }
    return 0;
  }
}
