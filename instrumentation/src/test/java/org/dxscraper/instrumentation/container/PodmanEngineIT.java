package org.dxscraper.instrumentation.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container metrics against a real Docker-compatible engine: podman's API service, started by the
 * test on a private storage root, with containers made from an image imported from host binaries
 * (no registry is reachable). Expected values come from podman's own CLI, never from this code.
 *
 * <p>Skips, with the reason, when podman is not installed or cannot import an image, create a
 * container or serve its API here. Containers that cannot be started stay "created"; the comparison
 * with the CLI holds either way.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodmanEngineIT {

  private static final Logger log = LoggerFactory.getLogger(PodmanEngineIT.class);
  private static final String IMAGE = "localhost/dxs-test:latest";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  private static Podman podman;
  private static Service unixService;
  private static Path socket;

  /** Why the engine is not available here, or null; every test skips with it. */
  private static String skipReason;

  @BeforeAll
  static void startEngineWithContainers() throws Exception {
    // An assumption failing in @BeforeAll skips the class without a trace in the test reports;
    // kept here and raised in each test, the reason shows on every skipped test.
    try {
      Path executable = findOnPath("podman");
      Assumptions.assumeTrue(
          executable != null,
          "podman is not installed (Debian: apt-get install -y podman); no real engine to test");
      podman = new Podman(executable, work);
      importImage();
      createContainers();
      socket = work.resolve("api/podman.sock");
      Files.createDirectories(socket.getParent());
      unixService = Service.start(podman, "unix://" + socket);
    } catch (TestAbortedException e) {
      skipReason = e.getMessage();
      log.warn("skipping the tests against podman: {}", skipReason);
    }
  }

  @BeforeEach
  void requireEngine() {
    Assumptions.assumeTrue(skipReason == null, () -> skipReason);
  }

  @AfterAll
  static void removeEverything() throws Exception {
    if (podman == null) {
      return;
    }
    podman.run("rm", "--all", "--force", "--time", "0");
    podman.run("rmi", "--all", "--force");
    if (unixService != null) {
      unixService.stop();
    }
  }

  @Test
  @Order(1)
  void reportsTheStatesPodmanReportsOverUnixSocket() throws Exception {
    try (Probe probe = new Probe(DockerHost.parse("unix://" + socket))) {
      probe.metrics.refreshNow();

      assertMatchesPodmanCli(probe.registry);
    }
  }

  @Test
  @Order(2)
  void reportsTheSameOverTcp() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Service tcpService = Service.start(podman, "tcp://127.0.0.1:" + port);
    try (Probe probe = new Probe(DockerHost.parse("tcp://127.0.0.1:" + port))) {
      probe.metrics.refreshNow();

      assertMatchesPodmanCli(probe.registry);
    } finally {
      tcpService.stop();
    }
  }

  @Test
  @Order(3)
  void removesSeriesOfContainerRemovedFromEngine() throws Exception {
    try (Probe probe = new Probe(DockerHost.parse("unix://" + socket))) {
      probe.metrics.refreshNow();
      assertThat(probe.registry.find("container_state").tag("name", "dxs-created").gauges())
          .hasSize(7);

      podman.require("rm", "--force", "dxs-created");
      probe.metrics.refreshNow();

      assertThat(probe.registry.find("container_state").tag("name", "dxs-created").gauges())
          .isEmpty();
      assertMatchesPodmanCli(probe.registry);
    }
  }

  @Test
  @Order(4)
  void reportsEngineDownOnceServiceStops() throws Exception {
    try (Probe probe = new Probe(DockerHost.parse("unix://" + socket))) {
      probe.metrics.refreshNow();
      assertThat(probe.registry.get("container_engine_up").gauge().value()).isEqualTo(1.0);

      unixService.stop();
      probe.metrics.refreshNow();

      assertThat(probe.registry.get("container_engine_up").gauge().value()).isEqualTo(0.0);
      assertThat(probe.registry.find("container_state").gauges()).isEmpty();
    }
  }

  /** Every container the CLI lists has exactly the series the CLI's view implies. */
  private static void assertMatchesPodmanCli(PrometheusMeterRegistry registry) throws Exception {
    JsonNode listed = JSON.readTree(podman.require("ps", "--all", "--format", "json"));
    List<String> names = new ArrayList<>();
    Map<String, String> states = new HashMap<>();
    for (JsonNode container : listed) {
      String name = container.path("Names").path(0).asText();
      names.add(name);
      states.put(name, container.path("State").asText());
    }
    assertThat(registry.find("container_running").gauges())
        .extracting(g -> g.getId().getTag("name"))
        .containsExactlyInAnyOrderElementsOf(names);
    assertThat(registry.get("container_engine_up").gauge().value()).isEqualTo(1.0);
    if (names.isEmpty()) {
      return;
    }

    List<String> inspectArgs = new ArrayList<>(List.of("inspect", "--format", "json"));
    inspectArgs.addAll(names);
    for (JsonNode inspected : JSON.readTree(podman.require(inspectArgs.toArray(String[]::new)))) {
      String name = inspected.path("Name").asText().replaceFirst("^/", "");
      String state = states.get(name);
      String health = inspected.path("State").path("Health").path("Status").asText("");
      long restarts = inspected.path("RestartCount").asLong();
      String expectedHealth = health.isEmpty() ? "none" : health;

      assertThat(value(registry, "container_state", name, "state", state))
          .as("container_state{name=%s,state=%s}", name, state)
          .isEqualTo(1.0);
      assertThat(registry.find("container_state").tag("name", name).gauges())
          .as("exactly one state of %s is 1", name)
          .filteredOn(g -> g.value() == 1.0)
          .hasSize(1);
      assertThat(registry.get("container_running").tag("name", name).gauge().value())
          .as("container_running{name=%s} with state %s", name, state)
          .isEqualTo(state.equals("running") ? 1.0 : 0.0);
      assertThat(value(registry, "container_health", name, "health", expectedHealth))
          .as("container_health{name=%s,health=%s}", name, expectedHealth)
          .isEqualTo(1.0);
      assertThat(registry.get("container_restarts").tag("name", name).functionCounter().count())
          .as("container_restarts_total{name=%s}", name)
          .isEqualTo((double) restarts);
    }
    log.info("podman reports {}; the scrape agrees", new TreeMap<>(states));
  }

  private static double value(
      PrometheusMeterRegistry registry, String metric, String name, String key, String label) {
    return registry.get(metric).tag("name", name).tag(key, label).gauge().value();
  }

  /**
   * Builds a root file system from the host's true, false, sleep and sh with the libraries ldd
   * names, and imports it as {@link #IMAGE}: no registry needed.
   */
  private static void importImage() throws Exception {
    Path rootfs = work.resolve("rootfs");
    for (String binary : List.of("/bin/true", "/bin/false", "/bin/sleep", "/bin/sh")) {
      Path source = Path.of(binary).toRealPath();
      copyInto(rootfs, source, Path.of(binary));
      for (Path library : libraries(source)) {
        copyInto(rootfs, library, library);
      }
    }
    Path tarball = work.resolve("rootfs.tar");
    Command tar =
        Command.run(
            List.of("tar", "-C", rootfs.toString(), "-cf", tarball.toString(), "."),
            work,
            COMMAND_TIMEOUT);
    Assumptions.assumeTrue(tar.ok(), "cannot build the image tarball: " + tar);
    podman.requireOrSkip("import", tarball.toString(), IMAGE);
  }

  private static void createContainers() throws Exception {
    // podman asks the runtime for RLIMIT_NOFILE and RLIMIT_NPROC above the host's hard limits,
    // which fails without CAP_SYS_RESOURCE ("error setting rlimit type 7"); stay below them.
    // No network: a container needs none here, and netavark may not work in a sandbox.
    List<String> limits =
        List.of("--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");
    podman.requireOrSkip(concat(List.of("create", "--name", "dxs-created"), limits, "/bin/true"));
    // The rest need a working runtime; where they cannot start, they stay "created".
    podman.run(concat(List.of("run", "--name", "dxs-exited"), limits, "/bin/true"));
    podman.run(
        concat(
            List.of(
                "run",
                "--detach",
                "--name",
                "dxs-healthy",
                "--health-cmd",
                "/bin/true",
                "--health-interval",
                "disable"),
            limits,
            "/bin/sleep",
            "600"));
    podman.run("healthcheck", "run", "dxs-healthy");
    podman.run(
        concat(
            List.of(
                "run",
                "--detach",
                "--name",
                "dxs-unhealthy",
                "--health-cmd",
                "/bin/false",
                "--health-retries",
                "1",
                "--health-interval",
                "disable"),
            limits,
            "/bin/sleep",
            "600"));
    podman.run("healthcheck", "run", "dxs-unhealthy");
    podman.run(
        concat(List.of("run", "--detach", "--name", "dxs-paused"), limits, "/bin/sleep", "600"));
    podman.run("pause", "dxs-paused");
    Command restarting =
        podman.run(
            concat(
                List.of("run", "--detach", "--name", "dxs-restarts", "--restart", "on-failure:2"),
                limits,
                "/bin/false"));
    if (restarting.ok()) {
      awaitRestartsSettled("dxs-restarts", 2);
    }
  }

  /**
   * Restarts by policy happen after "run" returns; the comparison needs them finished. Each inspect
   * takes tens of milliseconds, which paces the loop.
   */
  private static void awaitRestartsSettled(String name, int restarts) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String expected = restarts + " exited";
    String seen = "";
    while (System.nanoTime() < deadline) {
      seen =
          podman
              .require("inspect", "--format", "{{.RestartCount}} {{.State.Status}}", name)
              .strip();
      if (seen.equals(expected)) {
        return;
      }
    }
    throw new AssertionError(name + " did not settle at \"" + expected + "\", last: " + seen);
  }

  private static List<Path> libraries(Path binary) throws Exception {
    Command ldd = Command.run(List.of("ldd", binary.toString()), work, COMMAND_TIMEOUT);
    List<Path> paths = new ArrayList<>();
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2
    // (...)"
    Matcher matcher = Pattern.compile("(?m)(?:=> |^\\s+)(/\\S+)").matcher(ldd.stdout());
    while (matcher.find()) {
      paths.add(Path.of(matcher.group(1)));
    }
    return paths;
  }

  private static void copyInto(Path rootfs, Path source, Path target) throws IOException {
    Path destination = rootfs.resolve(target.toString().substring(1));
    Files.createDirectories(destination.getParent());
    Files.copy(
        source,
        destination,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
  }

  private static String[] concat(List<String> head, List<String> middle, String... tail) {
    return Stream.of(head, middle, List.of(IMAGE), List.of(tail))
        .flatMap(List::stream)
        .toArray(String[]::new);
  }

  private static Path findOnPath(String command) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** A fresh registry with container metrics bound, closed together. */
  private static final class Probe implements AutoCloseable {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ContainerMetrics metrics;

    Probe(DockerHost host) {
      metrics = new ContainerMetrics(host, ContainerSettings.defaults());
      metrics.bindTo(registry);
    }

    @Override
    public void close() {
      metrics.close();
      registry.close();
    }
  }

  /** The podman CLI on the test's private storage, so that the host's containers stay apart. */
  private record Podman(Path executable, Path work) {

    List<String> command(String... args) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  executable.toString(),
                  "--root",
                  work.resolve("storage").toString(),
                  "--runroot",
                  work.resolve("run").toString(),
                  "--tmpdir",
                  work.resolve("tmp").toString(),
                  // vfs needs no overlay mounts; cgroupfs and file events need no systemd.
                  "--storage-driver",
                  "vfs",
                  "--cgroup-manager",
                  "cgroupfs",
                  "--events-backend",
                  "file"));
      command.addAll(List.of(args));
      return command;
    }

    Command run(String... args) throws Exception {
      Command result = Command.run(command(args), work, COMMAND_TIMEOUT);
      if (!result.ok()) {
        log.info("podman {} failed (tolerated): {}", String.join(" ", args), result);
      }
      return result;
    }

    String require(String... args) throws Exception {
      Command result = Command.run(command(args), work, COMMAND_TIMEOUT);
      if (!result.ok()) {
        throw new AssertionError("podman " + String.join(" ", args) + " failed: " + result);
      }
      return result.stdout();
    }

    void requireOrSkip(String... args) throws Exception {
      Command result = Command.run(command(args), work, COMMAND_TIMEOUT);
      Assumptions.assumeTrue(
          result.ok(),
          () -> "podman cannot " + args[0] + " here, so no real engine to test: " + result);
    }
  }

  /** {@code podman system service} on one URI, ready once it logs that it listens. */
  private static final class Service {
    private final Process process;
    private final StringBuffer stderr = new StringBuffer();

    private Service(Process process) {
      this.process = process;
    }

    static Service start(Podman podman, String uri) throws Exception {
      List<String> command =
          podman.command("--log-level=info", "system", "service", "--time=0", uri);
      Process process =
          new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Service service = new Service(process);
      CompletableFuture<Void> listening = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    service.stderr.append(line).append('\n');
                    if (line.contains("API service listening")) {
                      listening.complete(null);
                    }
                  }
                } catch (IOException e) {
                  listening.completeExceptionally(e);
                }
                listening.completeExceptionally(
                    new IOException("podman system service ended: " + service.stderr));
              });
      try {
        listening.get(60, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        service.stop();
        Assumptions.abort("podman cannot serve its API here: " + e.getMessage());
      }
      return service;
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A finished command: exit code and output. */
  private record Command(int exitCode, String stdout, String stderr) {

    static Command run(List<String> command, Path work, Duration timeout) throws Exception {
      Path out = Files.createTempFile(work, "cmd", ".out");
      Path err = Files.createTempFile(work, "cmd", ".err");
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " took longer than " + timeout);
      }
      return new Command(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + ": " + (stderr.isBlank() ? stdout : stderr).strip();
    }
  }
}
