package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL's binaries unpacked by us, found ready by the library. */
class EmbeddedBinariesIT {
  @TempDir Path temp;

  @Test
  void unpacksOnceIntoTheLibrarysLayoutAndTheLibraryStartsFromIt() throws Exception {
    Path home = temp.resolve("embedded-pg");
    EmbeddedBinaries binaries = EmbeddedBinaries.forThisMachine();

    Path dir = binaries.prepare(home);

    assertThat(dir.getFileName().toString()).matches("PG-[0-9a-f]{32}");
    assertThat(dir.resolve(".exists")).isRegularFile();
    assertThat(dir.resolve("bin/postgres")).isExecutable();
    assertThat(dir.resolve("bin/initdb")).isExecutable();
    // Symbolic links unpacked as links that resolve (lib's versioned ICU libraries).
    try (Stream<Path> lib = Files.list(dir.resolve("lib"))) {
      List<Path> links = lib.filter(Files::isSymbolicLink).toList();
      assertThat(links).isNotEmpty().allSatisfy(link -> assertThat(link).exists());
    }
    try (Stream<Path> siblings = Files.list(home)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .as("no staging directory left behind")
          .noneMatch(name -> name.contains(".unpacking-"));
    }
    FileTime unpackedAt = Files.getLastModifiedTime(dir.resolve("bin/postgres"));

    assertThat(binaries.prepare(home)).isEqualTo(dir);
    // The library touches every file it unpacks over an existing one: an unchanged time says that
    // it found the binaries ready and did not unpack them again.
    try (EmbeddedPostgres server =
            EmbeddedPostgres.builder()
                .setPgBinaryResolver(binaries)
                .setOverrideWorkingDirectory(home.toFile())
                .setDataDirectory(temp.resolve("data"))
                .setCleanDataDirectory(true)
                .start();
        Connection connection = server.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
    }
    assertThat(Files.getLastModifiedTime(dir.resolve("bin/postgres"))).isEqualTo(unpackedAt);
  }

  @Test
  void replacesADirectoryTheLibraryLeftHalfUnpackedAndWhatAKilledUnpackingLeft() throws Exception {
    Path home = temp.resolve("embedded-pg");
    Path dir = EmbeddedBinaries.forThisMachine().prepare(home);
    // What an out-of-memory exit in the library's own unpacking left: files, no marker.
    Files.delete(dir.resolve(".exists"));
    Files.writeString(dir.resolve("bin/half-written"), "x");
    // What a SIGKILL in the middle of our own unpacking left.
    Path killed = Files.createDirectories(home.resolve(dir.getFileName() + ".unpacking-123/bin"));

    assertThat(EmbeddedBinaries.forThisMachine().prepare(home)).isEqualTo(dir);

    assertThat(dir.resolve(".exists")).isRegularFile();
    assertThat(dir.resolve("bin/half-written")).doesNotExist();
    assertThat(dir.resolve("bin/postgres")).isExecutable();
    assertThat(killed.getParent()).doesNotExist();
    try (Stream<Path> left = Files.list(home)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              dir.getFileName().toString(), dir.getFileName() + ".dx-scraper-lock");
    }
  }

  @Test
  void aDirectoryWithOnlyTheMarkerIsNotReady() throws Exception {
    // The library reads it as not ready and would unpack with its 100 MB of heap.
    Path home = temp.resolve("embedded-pg");
    Path dir = EmbeddedBinaries.forThisMachine().prepare(home);
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.filter(p -> !p.endsWith(".exists")).toList()) {
        Files.move(entry, temp.resolve(entry.getFileName()));
      }
    }

    EmbeddedBinaries.forThisMachine().prepare(home);

    assertThat(dir.resolve("bin/postgres")).isExecutable();
  }

  @Test
  void refusesAWorkingDirectoryThatOthersMayWrite() throws Exception {
    // Whoever may write there may put a bin/postgres of their own for the daemon to run.
    Path shared = Files.createDirectories(temp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(
            () -> EmbeddedBinaries.forThisMachine().prepare(shared.resolve("embedded-pg")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(shared + " is not a directory of")
        .hasMessageContaining("rwxrwxrwx");
    assertThat(shared.resolve("embedded-pg")).doesNotExist();
  }
}
