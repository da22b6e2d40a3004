package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.JarProcess;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the journal, for real: {@code --data-dir} on a 4 MiB tmpfs the test mounts (CI
 * runs as root), filled while the daemon reads 500 spots/s. The daemon must say so (503, a metric,
 * one ERROR), stay up, and store every spot once space returns.
 */
class JournalFullDiskIT {
  private static final int RATE = 500;
  private static final int COUNT = 6000;
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path temp;

  private Path mounted;
  private final List<JarProcess> started = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void cleanUp() throws Exception {
    for (JarProcess process : started) {
      process.kill();
    }
    if (mounted != null) {
      run("umount", "-l", mounted.toString());
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    if (process.exitValue() != 0) {
      System.out.println(String.join(" ", command) + ": " + output.strip());
    }
    return process.exitValue();
  }

  @Test
  void saysSoStaysUpAndLosesNothingWhenTheDiskFills() throws Exception {
    Path dataDir = Files.createDirectories(temp.resolve("data"));
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dataDir.toString()) == 0,
        "mounting a small tmpfs needs root (CI runs as root); this test cannot run here");
    mounted = dataDir;
    int metricsPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      metricsPort = socket.getLocalPort();
    }
    try (TestDatabase db = TestPostgres.createDatabase();
        SimulatorServer node =
            new SimulatorServer(
                    SimulatorOptions.defaults().withRate(RATE).withCount(COUNT).withSeed(44),
                    InstantSource.system())
                .start()) {
      JarProcess daemon = start(db, node.port(), dataDir, metricsPort);
      Await.until(
          () -> "500 rows:\n" + daemon.stderrOrWhy(), () -> db.count("spot") >= 500, DEADLINE);

      long ballastBytes = fill(dataDir.resolve("ballast"));
      Await.until(
          () -> "/health 503 for the full disk:\n" + daemon.stderrOrWhy(),
          () -> health(metricsPort).contains("no space left on device"),
          DEADLINE);
      assertThat(metric(metricsPort, "dx_scraper_journal_write_errors_total{reason=\"no-space\"}"))
          .isPositive();
      assertThat(metric(metricsPort, "dx_scraper_journal_paused{reason=\"write-failed\"}"))
          .isEqualTo(1);
      long sentAtFull = node.spotsSent();
      Await.until(
          () -> "the node to go on sending while the disk is full",
          () -> node.spotsSent() >= sentAtFull + RATE,
          DEADLINE);
      assertThat(daemon.process().isAlive()).isTrue();

      Files.delete(dataDir.resolve("ballast"));
      Await.until(
          () ->
              "all "
                  + COUNT
                  + " spots stored, have "
                  + db.count("spot")
                  + ":\n"
                  + daemon.stderrOrWhy(),
          () -> db.count("spot") >= COUNT,
          DEADLINE);
      Await.until(
          () -> "/health without the journal's problem",
          () -> !health(metricsPort).contains("journal write failing"),
          DEADLINE);

      assertThat(db.count("spot")).isEqualTo(COUNT);
      assertThat(daemon.process().isAlive()).isTrue();
      String log = daemon.stderrOrWhy();
      assertThat(log.lines().filter(l -> l.contains("journal: cannot write"))).hasSize(1);
      assertThat(log).contains("journal: writing to", "works again");
      System.out.printf(
          "full disk: ballast of %d bytes filled the tmpfs; %d spots stored once each, %d"
              + " journal write errors retried%n",
          ballastBytes,
          db.count("spot"),
          (long) metric(metricsPort, "dx_scraper_journal_write_errors_total{reason=\"no-space\"}"));
    }
  }

  private JarProcess start(TestDatabase db, int nodePort, Path dataDir, int metricsPort)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--callsign",
                "N0CALL",
                "--node",
                "sim=127.0.0.1:" + nodePort,
                "--data-dir",
                dataDir.toString(),
                "--metrics-listen",
                "127.0.0.1:" + metricsPort,
                "--journal-segment-size",
                "256KiB",
                "--journal-max-size",
                "1MiB",
                // The reserve would pause reading before the disk is full; this test wants the
                // write itself to fail.
                "--journal-min-free",
                "0"));
    args.addAll(db.jarOptions());
    JarProcess process = JarProcess.start(temp, db.jarEnvironment(), args.toArray(String[]::new));
    started.add(process);
    return process;
  }

  /** Writes until the file system refuses; returns the bytes written. */
  private static long fill(Path file) throws IOException {
    byte[] block = new byte[4096];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left");
    }
    return written;
  }

  private String health(int port) {
    return get(port, "/health");
  }

  private double metric(int port, String series) {
    return get(port, "/metrics")
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  private String get(int port, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
