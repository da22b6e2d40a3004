package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dxscraper.scraper.testing.JarProcess;
import org.dxscraper.scraper.testing.JarProcess.Outcome;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as an operator runs it: a separate JVM, exit codes, stdout and stderr. */
class CliIT {
  @TempDir Path temp;

  private Outcome run(Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return JarProcess.run(temp, environment, args);
  }

  private Outcome run(String... args) throws IOException, InterruptedException {
    return JarProcess.run(temp, Map.of(), args);
  }

  @Test
  void helpListsEveryCommandAndTheEnvironmentRule() throws Exception {
    Outcome help = run("--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("run ", "migrate ", "parse ", "simulate ", "DX_SCRAPER_DB_URL", "Exit codes");
  }

  @Test
  void versionNamesTheBuild() throws Exception {
    Outcome version = run("--version");

    assertThat(version.exitCode()).isZero();
    assertThat(version.out())
        .startsWith("dx-scraper ")
        .doesNotContain("${project.version}", "unknown");
  }

  @Test
  void migrateOnAServerCreatesTheSchemaAndChangesNothingTheSecondTime() throws Exception {
    try (TestDatabase db = TestPostgres.createDatabase()) {
      String[] args = migrateArgs(db);

      Outcome first = run(args);
      Outcome second = run(args);

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out()).contains("schema migrated from empty to version 12");
      assertThat(second.exitCode()).as(second.err()).isZero();
      assertThat(second.out()).contains("schema is up to date at version 12");
    }
  }

  @Test
  void takesTheDatabaseFromTheEnvironment() throws Exception {
    try (TestDatabase db = TestPostgres.createDatabase()) {
      Map<String, String> environment = new java.util.HashMap<>();
      environment.put("DX_SCRAPER_DB_URL", db.url());
      if (db.user() != null) {
        environment.put("DX_SCRAPER_DB_USER", db.user());
      }
      if (db.password() != null) {
        environment.put("DX_SCRAPER_DB_PASSWORD", db.password());
      }

      Outcome migrate = run(environment, "migrate");

      assertThat(migrate.exitCode()).as(migrate.err()).isZero();
      assertThat(migrate.out()).contains(db.url(), "schema migrated from empty to version 12");
    }
  }

  @Test
  void unreachableDatabaseIsOneClearLineWithoutThePassword() throws Exception {
    Outcome failed =
        run(
            "migrate",
            "--db-url",
            "jdbc:postgresql://127.0.0.1:1/dx?password=hunter2",
            "--db-password",
            "s3cret",
            "--db-connect-timeout",
            "3s");

    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err().strip().lines()).hasSize(1);
    assertThat(failed.err())
        .startsWith("dx-scraper: cannot connect to jdbc:postgresql://127.0.0.1:1/dx?password=***")
        .contains("refused", "Is the server running")
        .doesNotContain("hunter2", "s3cret", "Exception", "\tat ");
  }

  @Test
  void embeddedDatabaseStartsFromAnEmptyDirectoryAndKeepsItsDataAcrossRestarts() throws Exception {
    Path dataDir = temp.resolve("data");

    long started = System.nanoTime();
    Outcome first = run("migrate", "--data-dir", dataDir.toString());
    long firstMillis = (System.nanoTime() - started) / 1_000_000;
    started = System.nanoTime();
    Outcome restart = run("migrate", "--data-dir", dataDir.toString());
    long restartMillis = (System.nanoTime() - started) / 1_000_000;

    // Recorded, not asserted: timing belongs in docs/BENCHMARKS.md, not in a pass/fail test.
    System.out.printf(
        "embedded PostgreSQL: first start + migrate %d ms, restart %d ms%n",
        firstMillis, restartMillis);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("schema migrated from empty to version 12");
    assertThat(first.err()).contains("Embedded PostgreSQL created");
    assertThat(restart.exitCode()).as(restart.err()).isZero();
    assertThat(restart.out()).contains("schema is up to date at version 12");
    assertThat(restart.err()).contains("Embedded PostgreSQL started");
    assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
  }

  @Test
  void firstStartOnAFreshMachineUnpacksThePostgresBinariesWithinTheShippedHeap() throws Exception {
    // A new machine, container or systemd service (its own /tmp) has no binaries unpacked yet. The
    // library's own unpacking held about 100 MB of heap: the 48 MB of jvm.options died of it.
    Path freshTmp = Files.createDirectories(temp.resolve("fresh-tmp"));

    Outcome first =
        run(
            Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + freshTmp),
            "migrate",
            "--data-dir",
            temp.resolve("data").toString());

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.err())
        .contains(
            "binaries unpacked to "
                + freshTmp
                    .resolve("dx-scraper-" + System.getProperty("user.name"))
                    .resolve("embedded-pg"))
        .doesNotContain("OutOfMemoryError");
    assertThat(first.out()).contains("schema migrated from empty to version 12");
  }

  @Test
  void refusesADataDirectoryThatHoldsSomethingElse() throws Exception {
    Path dataDir = Files.createDirectories(temp.resolve("not-postgres"));
    Files.writeString(dataDir.resolve("notes.txt"), "mine");

    Outcome refused = run("migrate", "--data-dir", dataDir.toString());

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .contains("is not empty and holds no dx-scraper data (found notes.txt");
    assertThat(dataDir.resolve("notes.txt")).hasContent("mine");
  }

  @Test
  void runWithoutCallsignOrNodeIsAUsageError() throws Exception {
    Outcome noCall = run("run", "--node", "local=127.0.0.1:7300");
    Outcome noNode = run("run", "--callsign", "N0CALL");

    assertThat(noCall.exitCode()).isEqualTo(2);
    assertThat(noCall.err()).contains("--callsign is required");
    assertThat(noNode.exitCode()).isEqualTo(2);
    assertThat(noNode.err()).contains("at least one --node");
  }

  private static String[] migrateArgs(TestDatabase db) {
    List<String> args = new ArrayList<>(List.of("migrate", "--db-url", db.url()));
    if (db.user() != null) {
      args.addAll(List.of("--db-user", db.user()));
    }
    if (db.password() != null) {
      args.addAll(List.of("--db-password", db.password()));
    }
    return args.toArray(String[]::new);
  }

  @Test
  void aUsageErrorIsOneLineAndWhereTheHelpIs() throws Exception {
    Outcome missing = run("run", "--callsign", "N0CALL");
    Outcome typo = run("run", "--nod", "a=127.0.0.1:7300");

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err().lines())
        .containsExactly(
            "dx-scraper: at least one --node NAME=HOST:PORT is required (or DX_SCRAPER_NODE)",
            "Try 'dx-scraper run --help' for its options.");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.err()).contains("Unknown option", "--node", "Try 'dx-scraper run --help'");
    assertThat(typo.err().lines().count()).isLessThanOrEqualTo(4);
  }

  @Test
  void simulateOnAnOccupiedPortSaysWhichAddressInOneLine() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String listen = "127.0.0.1:" + taken.getLocalPort();

      Outcome failed = run("simulate", "--listen", listen);

      assertThat(failed.exitCode()).isEqualTo(1);
      assertThat(failed.err().lines().filter(l -> l.startsWith("dx-scraper:")))
          .containsExactly(
              "dx-scraper: --listen "
                  + listen
                  + ": Address already in use; stop what listens there, or choose another"
                  + " HOST:PORT");
      assertThat(failed.err()).doesNotContain("\tat ");
    }
  }

  @Test
  void simulateRunsANodeWithItsOwnSpotsForEachListenAddress() throws Exception {
    JarProcess simulator =
        JarProcess.start(
            temp,
            Map.of(),
            "simulate",
            "--blast",
            "--count",
            "50",
            "--listen",
            "127.0.0.1:0",
            "--listen",
            "127.0.0.1:0");
    try {
      java.util.regex.Pattern listening =
          java.util.regex.Pattern.compile("simulate: listening on 127\\.0\\.0\\.1:(\\d+)");
      List<Integer> ports = new ArrayList<>();
      org.dxscraper.scraper.testing.Await.until(
          simulator::stderrOrWhy,
          () -> {
            ports.clear();
            listening
                .matcher(simulator.stderrOrWhy())
                .results()
                .forEach(m -> ports.add(Integer.parseInt(m.group(1))));
            return ports.size() == 2;
          },
          java.time.Duration.ofSeconds(60));

      try (NodeClient first = NodeClient.logIn(ports.get(0), "SIM-1")) {
        assertThat(simulator.stderrSoFar()).doesNotContain("the blast starts");
        try (NodeClient second = NodeClient.logIn(ports.get(1), "SIM-2")) {
          org.dxscraper.scraper.testing.Await.until(
              simulator::stderrOrWhy,
              () ->
                  simulator.stderrOrWhy().contains("all 2 node(s) have a client, the blast starts"),
              java.time.Duration.ofSeconds(10));

          assertThat(first.spots(50)).doesNotContainAnyElementsOf(second.spots(50));
        }
      }
    } finally {
      simulator.terminate();
    }
    Outcome stopped = simulator.awaitExit(30);
    assertThat(stopped.out().lines().filter(l -> l.startsWith("DX de "))).hasSize(100);
  }

  @Test
  void simulatePrintsWhenEachLineWasSentWithPrintTimes() throws Exception {
    long before = System.currentTimeMillis() * 1000;
    JarProcess simulator =
        JarProcess.start(
            temp,
            Map.of(),
            "simulate",
            "--blast",
            "--count",
            "20",
            "--print-times",
            "--listen",
            "127.0.0.1:0");
    List<String> received;
    try {
      java.util.regex.Matcher listening =
          java.util.regex.Pattern.compile("simulate: listening on 127\\.0\\.0\\.1:(\\d+)")
              .matcher("");
      org.dxscraper.scraper.testing.Await.until(
          simulator::stderrOrWhy,
          () -> listening.reset(simulator.stderrOrWhy()).find(),
          java.time.Duration.ofSeconds(60));
      try (NodeClient client = NodeClient.logIn(Integer.parseInt(listening.group(1)), "SIM-1")) {
        received = client.spots(20);
      }
    } finally {
      simulator.terminate();
    }
    // The simulator prints microseconds and this clock reads milliseconds: the end of this one,
    // since a line sent in it has a later microsecond than its start (a CI run failed so).
    long after = (System.currentTimeMillis() + 1) * 1000;
    Outcome stopped = simulator.awaitExit(30);

    List<String> printed = stopped.out().lines().filter(l -> l.contains("\tDX de ")).toList();
    assertThat(printed).hasSize(20);
    for (int i = 0; i < printed.size(); i++) {
      String[] timeAndLine = printed.get(i).split("\t", 2);
      assertThat(Long.parseLong(timeAndLine[0])).isBetween(before, after);
      assertThat(received.get(i)).startsWith(timeAndLine[1]);
    }
  }

  /** A client logged in to one simulated node, reading its spots. */
  private record NodeClient(java.net.Socket socket, java.io.BufferedReader in)
      implements AutoCloseable {

    /** Logs in and reads up to the node's first prompt, which names the node. */
    static NodeClient logIn(int port, String nodeCall) throws IOException {
      java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
      socket
          .getOutputStream()
          .write("N0CALL\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String line = in.readLine();
      while (line != null && !line.contains(" dxspider >")) {
        line = in.readLine();
      }
      assertThat(line).as("the prompt of %s", nodeCall).contains("N0CALL de " + nodeCall + " ");
      return new NodeClient(socket, in);
    }

    List<String> spots(int count) throws IOException {
      List<String> spots = new ArrayList<>();
      while (spots.size() < count) {
        String line = in.readLine();
        assertThat(line).as("connection closed after %d spots", spots.size()).isNotNull();
        if (line.startsWith("DX de ")) {
          spots.add(line);
        }
      }
      return spots;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void anOlderJavaIsToldWhichJavaIsNeededInOneLine() throws Exception {
    Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(java17), "no Java 17 at " + java17 + " to try the jar with");
    Process process =
        new ProcessBuilder(
                java17.toString(), "-jar", JarProcess.JAR.toAbsolutePath().toString(), "--version")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());

    assertThat(process.waitFor()).isEqualTo(1);
    assertThat(output.lines())
        .singleElement()
        .asString()
        .startsWith("dx-scraper: needs Java 21 or newer, but this is Java 17 (");
  }

  /**
   * {@code simulate} on a port another socket holds: it fails at once, after logging, which makes
   * it the quickest command that writes log lines.
   */
  private Outcome simulateOnATakenPort(Map<String, String> environment, String... options)
      throws IOException, InterruptedException {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<String> args = new ArrayList<>(List.of("simulate"));
      args.addAll(List.of(options));
      args.addAll(List.of("--listen", "127.0.0.1:" + taken.getLocalPort()));
      return run(environment, args.toArray(String[]::new));
    }
  }

  @Test
  void logsUtcTimestampedTextLinesOnStderrByDefault() throws Exception {
    Outcome failed = simulateOnATakenPort(Map.of());

    assertThat(failed.err().lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"
                            + " (INFO |WARN |ERROR) \\[.+\\] \\w+ - simulator.*"));
    assertThat(failed.out()).doesNotContain("simulator");
  }

  @Test
  void anOperatorsOwnLogbackFileWinsOverTheBuiltInSetUp() throws Exception {
    Path config = temp.resolve("operator-logback.xml");
    Files.writeString(
        config,
        """
        <configuration>
          <appender name="E" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>OPERATOR %level %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="E"/></root>
        </configuration>
        """);
    Outcome failed =
        simulateOnATakenPort(Map.of("JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + config));

    assertThat(failed.err().lines()).anyMatch(line -> line.startsWith("OPERATOR "));
    assertThat(failed.err().lines()).noneMatch(line -> line.matches("\\d{4}-\\d\\d-.*"));
  }

  @Test
  void anOperatorsLogbackFileThatIsNotThereGetsTheBuiltInSetUpAndAWarning() throws Exception {
    Path missing = temp.resolve("no-such-logback.xml");
    Outcome failed =
        simulateOnATakenPort(Map.of("JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + missing));

    assertThat(failed.err().lines())
        .anyMatch(
            line ->
                line.matches("\\d{4}-\\d\\d-.* WARN .*")
                    && line.contains(missing.toString() + ": no such file"))
        .anyMatch(line -> line.matches("\\d{4}-\\d\\d-.* - simulator.*"));
    assertThat(failed.out()).doesNotContain("DEBUG", "simulator");
  }

  @Test
  void logsOneJsonObjectPerLineWhenAsked() throws Exception {
    Outcome failed = simulateOnATakenPort(Map.of(), "--log-format", "json");

    List<String> logLines = failed.err().lines().filter(l -> l.startsWith("{")).toList();
    assertThat(logLines).isNotEmpty();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : logLines) {
      com.fasterxml.jackson.databind.JsonNode event = json.readTree(line);
      assertThat(event.path("level").asText()).isIn("INFO", "WARN", "ERROR");
      assertThat(event.path("formattedMessage").asText()).startsWith("simulator");
    }
    // The one line for the operator stays plain text.
    assertThat(failed.err()).contains("dx-scraper: --listen 127.0.0.1:");
  }
}
