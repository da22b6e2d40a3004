package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalCheckpointTest {
  @TempDir Path dir;

  @Test
  void writesNothingOnceClosed() throws IOException {
    // A writer thread that outlived the stop must not reopen the file the stop forced and closed.
    JournalCheckpoint checkpoint = new JournalCheckpoint(dir);
    checkpoint.write(5);
    checkpoint.close();
    checkpoint.write(9);

    assertThat(JournalCheckpoint.read(dir)).isEqualTo(5);
  }

  @Test
  void opensTheFileAgainAfterAnInterruptClosedIt() throws IOException {
    JournalCheckpoint checkpoint = new JournalCheckpoint(dir);
    checkpoint.write(5);
    // An interrupt closes a FileChannel for good: without reopening, every later checkpoint
    // would fail until the next start.
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> checkpoint.write(6)).isInstanceOf(ClosedByInterruptException.class);
    } finally {
      Thread.interrupted();
    }
    checkpoint.write(7);
    checkpoint.close();

    assertThat(JournalCheckpoint.read(dir)).isEqualTo(7);
  }
}
