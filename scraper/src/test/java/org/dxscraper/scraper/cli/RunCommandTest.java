package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeAddress;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class RunCommandTest {
  private static RunCommand parse(String... args) {
    return parse(Map.of(), args);
  }

  private static RunCommand parse(Map<String, String> environment, String... args) {
    CommandLine commandLine =
        new CommandLine(new Main()).setDefaultValueProvider(new EnvironmentDefaults(environment));
    return (RunCommand) commandLine.parseArgs(args).subcommand().commandSpec().userObject();
  }

  @Test
  void sendsSetPage0ByDefaultAndPerNodeCommandsWhereGiven() {
    RunCommand run =
        parse(
            "run",
            "--callsign",
            "n0call",
            "--node",
            "spider=127.0.0.1:7300",
            "--node",
            "rbn=127.0.0.1:7000",
            "--node-init",
            "rbn=set/skimmer; sh/dx 5");

    List<NodeConfig> nodes = run.nodeConfigs();

    assertThat(nodes).extracting(NodeConfig::name).containsExactly("spider", "rbn");
    assertThat(nodes.get(0).initCommands()).containsExactly("set/page 0");
    assertThat(nodes.get(1).initCommands()).containsExactly("set/skimmer", "sh/dx 5");
  }

  @Test
  void initCommandReplacesTheDefaultForNodesWithoutTheirOwn() {
    RunCommand run =
        parse(
            "run",
            "--callsign",
            "N0CALL",
            "--node",
            "a=127.0.0.1:7300",
            "--init-command",
            "set/page 0;unset/beep");

    assertThat(run.nodeConfigs().get(0).initCommands()).containsExactly("set/page 0", "unset/beep");
  }

  @Test
  void takesPerNodeCommandsForSeveralNodesFromTheEnvironment() {
    RunCommand run =
        parse(
            Map.of(
                "DX_SCRAPER_CALLSIGN", "N0CALL",
                "DX_SCRAPER_NODE", "a=127.0.0.1:7300,b=127.0.0.1:7301",
                "DX_SCRAPER_NODE_INIT", "a=set/page 0;unset/beep,b=set/skimmer"),
            "run");

    List<NodeConfig> nodes = run.nodeConfigs();

    assertThat(nodes.get(0).initCommands()).containsExactly("set/page 0", "unset/beep");
    assertThat(nodes.get(1).initCommands()).containsExactly("set/skimmer");
  }

  @Test
  void refusesNodeInitForANodeThatIsNotConfigured() {
    RunCommand run =
        parse("run", "--callsign", "N0CALL", "--node", "a=127.0.0.1:7300", "--node-init", "b=x");

    assertThatThrownBy(run::nodeConfigs)
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--node-init names no configured --node: [b]");
  }

  @Test
  void explainsABadNodeSpecification() {
    RunCommand run = parse("run", "--callsign", "N0CALL", "--node", "nonsense");

    assertThatThrownBy(run::nodeConfigs)
        .isInstanceOf(ParameterException.class)
        .hasMessageStartingWith("--node nonsense: ");
  }

  @Test
  void groupsFallbackAddressesWithTheNodeBeforeThem() {
    RunCommand run =
        parse(
            Map.of("DX_SCRAPER_NODE", "a=10.0.0.1:7300,10.0.0.2:7300,b=10.0.0.3:23"),
            "run",
            "--callsign",
            "N0CALL",
            "--node-backfill",
            "b=0",
            "--backfill",
            "50",
            "--login-timeout",
            "20s");

    List<NodeConfig> nodes = run.nodeConfigs();

    assertThat(nodes).extracting(NodeConfig::name).containsExactly("a", "b");
    assertThat(nodes.get(0).addresses())
        .containsExactly(new NodeAddress("10.0.0.1", 7300), new NodeAddress("10.0.0.2", 7300));
    assertThat(nodes.get(1).addresses()).containsExactly(new NodeAddress("10.0.0.3", 23));
    assertThat(nodes).extracting(NodeConfig::backfillMax).containsExactly(50, 0);
    assertThat(nodes).extracting(NodeConfig::loginTimeout).containsOnly(Duration.ofSeconds(20));
  }

  @Test
  void refusesNodeBackfillForANodeThatIsNotConfigured() {
    RunCommand run =
        parse(
            "run", "--callsign", "N0CALL", "--node", "a=127.0.0.1:7300", "--node-backfill", "b=5");

    assertThatThrownBy(run::nodeConfigs)
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--node-backfill names no configured --node: [b]");
  }

  @Test
  void buildsTheConnectionPolicyFromItsOptions() {
    RunCommand run =
        parse(
            "run",
            "--callsign",
            "N0CALL",
            "--node",
            "a=127.0.0.1:7300",
            "--keepalive-after",
            "0",
            "--takeover-wait",
            "3h",
            "--backfill-at-start");

    ConnectionPolicy policy = run.connectionPolicy();

    assertThat(policy.probes()).isFalse();
    assertThat(policy.takeoverWait()).isEqualTo(Duration.ofHours(3));
    assertThat(policy.maxTakeoverWait()).isEqualTo(Duration.ofHours(3));
    assertThat(policy.backfillAtStart()).isTrue();
  }

  @Test
  void backfillsAtStartUnlessToldNot() {
    RunCommand byDefault = parse("run", "--callsign", "N0CALL", "--node", "a=127.0.0.1:7300");
    RunCommand off =
        parse(
            "run", "--callsign", "N0CALL", "--node", "a=127.0.0.1:7300", "--no-backfill-at-start");

    assertThat(byDefault.connectionPolicy().backfillAtStart()).isTrue();
    assertThat(off.connectionPolicy().backfillAtStart()).isFalse();
  }

  @Test
  void journalsByDefaultAndReadsSizesWithUnits() {
    RunCommand run =
        parse(
            "run",
            "--callsign",
            "N0CALL",
            "--node",
            "a=127.0.0.1:7300",
            "--journal-max-size",
            "2GiB",
            "--journal-segment-size",
            "8M");

    assertThat(run.journal).isTrue();
    assertThat(run.journalMaxSize).isEqualTo(2L << 30);
    assertThat(run.journalSegmentSize).isEqualTo(8L << 20);
    assertThat(parse("run", "--no-journal").journal).isFalse();
  }

  @Test
  void readsTheHostsTreesWhereTheyAreMounted() {
    RunCommand run =
        parse(
            Map.of("DX_SCRAPER_HOST_ROOTFS", "/host"),
            "run",
            "--callsign",
            "N0CALL",
            "--node",
            "a=127.0.0.1:7300",
            "--host-procfs",
            "/host/proc",
            "--host-sysfs",
            "/host/sys");

    assertThat(run.instrumentationSettings().hostPaths())
        .isEqualTo(
            new org.dxscraper.instrumentation.host.HostPaths(
                Path.of("/host/proc"), Path.of("/host/sys"), Path.of("/host")));
    assertThat(
            parse("run", "--callsign", "N0CALL", "--node", "a=127.0.0.1:7300")
                .instrumentationSettings()
                .hostPaths())
        .isEqualTo(org.dxscraper.instrumentation.host.HostPaths.DEFAULT);
  }

  /** {@code run} with one node and {@code more} options. */
  private static RunCommand run(Map<String, String> environment, String... more) {
    List<String> args =
        new ArrayList<>(List.of("run", "--callsign", "N0CALL", "--node", "a=127.0.0.1:7300"));
    args.addAll(List.of(more));
    return parse(environment, args.toArray(String[]::new));
  }

  @Test
  void retentionDefaultsToForeverOnAServerAndToAQuarterOnTheEmbeddedDatabase() {
    assertThat(run(Map.of()).retention())
        .isEqualTo(Duration.ofDays(RunCommand.EMBEDDED_RETAIN_DAYS));
    assertThat(run(Map.of(), "--db-url", "jdbc:postgresql://db.lan:5432/dx").retention()).isNull();
    assertThat(run(Map.of("DX_SCRAPER_RETAIN", "52w")).retention()).isEqualTo(Duration.ofDays(364));
    assertThat(run(Map.of(), "--retain", "Forever").retention()).isNull();
  }

  @Test
  void aRetentionTooShortOrUnreadableIsAUsageError() {
    assertThatThrownBy(() -> run(Map.of("DX_SCRAPER_RETAIN", "1d")).retention())
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--retain must be at least 2d");
    assertThatThrownBy(() -> run(Map.of("DX_SCRAPER_RETAIN", "a year")).retention())
        .isInstanceOf(ParameterException.class)
        .hasMessage(
            "--retain: 'a year' is not a duration: write e.g. 500ms, 90s, 15m, 2h, 90d or PT15M, or forever");
  }

  @Test
  void theDaemonNameIsTheHostNameUnlessGivenAndMustBeOneWord() {
    assertThat(run(Map.of(), "--daemon-name", "shack-pi").daemonName()).isEqualTo("shack-pi");
    assertThat(run(Map.of()).daemonName()).isNotBlank().doesNotContain(" ");
    RunCommand spaced = run(Map.of(), "--daemon-name", "my shack");
    assertThatThrownBy(spaced::daemonName)
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--daemon-name must be 1 to 63 printable ASCII characters");
  }
}
