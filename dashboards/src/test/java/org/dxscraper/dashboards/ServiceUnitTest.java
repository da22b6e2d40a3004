package org.dxscraper.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd unit: systemd itself accepts it, and it keeps the hardening the README promises. */
class ServiceUnitTest {
  static final Path UNIT = Path.of("systemd/dx-scraper.service");

  @TempDir Path temp;

  @Test
  void systemdAcceptsTheUnit() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    assumeTrue(Files.isExecutable(analyze), "no systemd-analyze on this machine");
    // The java and the settings file live on the target machine, not here.
    Path unit = temp.resolve("dx-scraper.service");
    Files.writeString(
        unit,
        Files.readString(UNIT)
            .replaceAll("(?m)^ExecStart=.*$", "ExecStart=/bin/true")
            .replaceAll("(?m)^EnvironmentFile=.*$", "EnvironmentFile=-/nonexistent"));
    Process verify =
        new ProcessBuilder(analyze.toString(), "verify", unit.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(verify.exitValue()).as(output).isZero();
    assertThat(output).doesNotContain("Unknown key", "Unknown section");
  }

  @Test
  void runsAsItsOwnUserHardenedWithItsStateDirectory() throws Exception {
    String unit = Files.readString(UNIT);

    assertThat(unit)
        .contains(
            "User=dx-scraper",
            "StateDirectory=dx-scraper",
            "Environment=DX_SCRAPER_DATA_DIR=%S/dx-scraper",
            "Restart=on-failure",
            "RestartPreventExitStatus=2",
            "ProtectSystem=strict",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "LoadCredential=db-password:")
        // The project's measured JVM settings, as the README and the image use them.
        .containsPattern(
            "(?m)^ExecStart=\\S+/bin/java @/opt/dx-scraper/jvm\\.options -jar \\S+dx-scraper\\.jar run$")
        .doesNotContainPattern("(?m)^MemoryDenyWriteExecute=yes");
  }
}
