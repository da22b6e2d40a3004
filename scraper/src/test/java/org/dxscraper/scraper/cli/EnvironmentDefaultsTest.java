package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.store.DatabaseConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class EnvironmentDefaultsTest {
  @TempDir Path temp;

  /** Parses as main would, and returns the subcommand's object with its options set. */
  @SuppressWarnings("unchecked")
  private static <T> T parse(Map<String, String> environment, String... args) {
    CommandLine commandLine =
        new CommandLine(new Main()).setDefaultValueProvider(new EnvironmentDefaults(environment));
    return (T) commandLine.parseArgs(args).subcommand().commandSpec().userObject();
  }

  @Test
  void readsEveryOptionFromItsEnvironmentVariable() {
    MigrateCommand migrate =
        parse(
            Map.of(
                "DX_SCRAPER_DB_URL", "jdbc:postgresql://db.example:5432/dx",
                "DX_SCRAPER_DB_USER", "dx",
                "DX_SCRAPER_DATA_DIR", "/var/lib/dx",
                "DX_SCRAPER_DB_CONNECT_TIMEOUT", "3s"),
            "migrate");

    DatabaseConfig config = migrate.database.toConfig();

    assertThat(config.url()).isEqualTo("jdbc:postgresql://db.example:5432/dx");
    assertThat(config.user()).isEqualTo("dx");
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/dx"));
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void commandLineWinsOverEnvironment() {
    MigrateCommand migrate =
        parse(
            Map.of("DX_SCRAPER_DB_URL", "jdbc:postgresql://from-env/dx"),
            "migrate",
            "--db-url",
            "jdbc:postgresql://from-flag/dx");

    assertThat(migrate.database.toConfig().url()).isEqualTo("jdbc:postgresql://from-flag/dx");
  }

  @Test
  void usesBuiltInDefaultsWhenNeitherIsGiven() {
    MigrateCommand migrate = parse(Map.of(), "migrate");

    DatabaseConfig config = migrate.database.toConfig();

    assertThat(config.embedded()).isTrue();
    assertThat(config.dataDir()).isEqualTo(Path.of("./dx-scraper-data"));
    assertThat(config.embeddedPort()).isZero();
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void repeatableOptionTakesCommaSeparatedValuesFromEnvironment() {
    RunCommand run =
        parse(
            Map.of(
                "DX_SCRAPER_NODE", "a=127.0.0.1:7300,b=127.0.0.1:7301",
                "DX_SCRAPER_CALLSIGN", "N0CALL"),
            "run");

    assertThat(run.nodeConfigs()).extracting(NodeConfig::name).containsExactly("a", "b");
  }

  @Test
  void readsPasswordFromFirstLineOfFile() throws IOException {
    Path file = temp.resolve("password");
    Files.writeString(file, "s3cret\nignored\n", StandardCharsets.UTF_8);
    MigrateCommand migrate =
        parse(
            Map.of(),
            "migrate",
            "--db-url",
            "jdbc:postgresql://h/d",
            "--db-password-file",
            file.toString());

    DatabaseConfig config = migrate.database.toConfig();

    assertThat(config.password()).isEqualTo("s3cret");
    assertThat(config.toString()).doesNotContain("s3cret");
  }

  @Test
  void refusesPasswordAndPasswordFileTogether() {
    MigrateCommand migrate =
        parse(
            Map.of("DX_SCRAPER_DB_PASSWORD", "a"),
            "migrate",
            "--db-password-file",
            temp.resolve("p").toString());

    assertThatThrownBy(() -> migrate.database.toConfig())
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void namesTheVariableAfterTheLongOption() {
    CommandLine commandLine = new CommandLine(new Main());
    var option =
        commandLine.getSubcommands().get("migrate").getCommandSpec().findOption("--db-url");

    assertThat(EnvironmentDefaults.variableFor(option)).isEqualTo("DX_SCRAPER_DB_URL");
  }
}
