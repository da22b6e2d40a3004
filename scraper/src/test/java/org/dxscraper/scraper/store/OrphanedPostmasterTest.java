package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.store.OrphanedPostmaster.PidFile;
import org.dxscraper.scraper.store.OrphanedPostmaster.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanedPostmasterTest {
  @TempDir Path dataDir;

  @Test
  void readsPidAndPortFromPostgresLockFile() {
    List<String> lines =
        List.of(
            "12370",
            "/tmp/crash/data",
            "1796398050",
            "45119",
            "/tmp",
            "127.0.0.1",
            "  2229595     65594",
            "ready   ");

    assertThat(PidFile.parse(lines)).hasValue(new PidFile(12370, "45119"));
  }

  @Test
  void anEmptyOrTornLockFileHasNoPid() {
    assertThat(PidFile.parse(List.of())).isEmpty();
    assertThat(PidFile.parse(List.of(""))).isEmpty();
    assertThat(PidFile.parse(List.of("123x"))).isEmpty();
    assertThat(PidFile.parse(List.of("0", "/data"))).isEmpty();
  }

  @Test
  void aPidReusedByAnotherProcessIsNeverTakenForThePostmaster() {
    // This JVM is alive and is no postgres: exactly a pid reused after a reboot or restart.
    long self = ProcessHandle.current().pid();

    assertThat(OrphanedPostmaster.verdict(self, dataDir)).isEqualTo(Verdict.OTHER_PROCESS);
  }

  @Test
  void aPidWhoseProcessEndedIsGone() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(OrphanedPostmaster.verdict(ended.pid(), dataDir)).isEqualTo(Verdict.GONE);
  }
}
