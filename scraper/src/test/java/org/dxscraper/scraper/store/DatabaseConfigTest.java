package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseConfigTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void neverShowsThePasswordNorAPasswordInTheUrl() {
    DatabaseConfig config =
        new DatabaseConfig(
            "jdbc:postgresql://db/dx?user=dx&password=hunter2&ssl=true",
            "dx",
            "s3cret",
            Path.of("d"),
            0,
            TIMEOUT);

    assertThat(config.toString())
        .isEqualTo("jdbc:postgresql://db/dx?user=dx&password=***&ssl=true as dx")
        .doesNotContain("s3cret");
  }

  @Test
  void describesTheEmbeddedDatabaseByItsDirectory() {
    DatabaseConfig config =
        new DatabaseConfig(null, null, null, Path.of("/var/lib/dx"), 0, TIMEOUT);

    assertThat(config.embedded()).isTrue();
    assertThat(config.toString()).isEqualTo("embedded PostgreSQL under /var/lib/dx/postgres");
    assertThat(config.journalDir()).isEqualTo(Path.of("/var/lib/dx/journal"));
  }

  @Test
  void keepsTheServerOfADataDirectoryMadeBeforeTheJournalWhereItIs(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("PG_VERSION"), "17\n");
    DatabaseConfig config = new DatabaseConfig(null, null, null, dir, 0, TIMEOUT);

    assertThat(config.embeddedDir()).isEqualTo(dir.toAbsolutePath().normalize());
    assertThat(config.journalDir()).isEqualTo(dir.toAbsolutePath().normalize().resolve("journal"));
  }

  @Test
  void rejectsWhatCannotWorkWithTheRuleAndTheValue() {
    assertThatThrownBy(
            () -> new DatabaseConfig("jdbc:mysql://h/d", null, null, Path.of("d"), 0, TIMEOUT))
        .hasMessage("database URL must start with jdbc:postgresql:, got jdbc:mysql://h/d");
    assertThatThrownBy(() -> new DatabaseConfig(null, null, null, Path.of("d"), 70000, TIMEOUT))
        .hasMessage("embedded database port must be 0..65535 (0 picks a free one), got 70000");
    assertThatThrownBy(() -> new DatabaseConfig(null, null, null, Path.of("d"), 0, Duration.ZERO))
        .hasMessage("connect timeout must be positive, got PT0S");
  }
}
