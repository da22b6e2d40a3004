package org.dxscraper.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus and Alertmanager files, checked by the tools that will read them (Debian's
 * {@code prometheus} and {@code prometheus-alertmanager}; `.ci/run` installs both): the
 * configuration and rules parse, and every rule passes its promtool unit tests, firing and not.
 */
class AlertingConfigTest {
  static final Path PROMETHEUS = Path.of("prometheus");
  static final Path RULES = PROMETHEUS.resolve("rules/dx-scraper.rules.yml");
  static final Path RULE_TESTS = PROMETHEUS.resolve("tests/dx-scraper.rules.test.yml");
  static final Path ALERTMANAGER = Path.of("alertmanager/alertmanager.yml");

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    assumeTrue(
        onPath(command[0]),
        command[0] + " is not installed (Debian packages prometheus, prometheus-alertmanager)");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void prometheusAcceptsTheConfigurationAndTheRules() throws Exception {
    Result config =
        run("promtool", "check", "config", PROMETHEUS.resolve("prometheus.yml").toString());
    Result rules = run("promtool", "check", "rules", RULES.toString());

    assertThat(config.exitCode()).as(config.output()).isZero();
    assertThat(rules.exitCode()).as(rules.output()).isZero();
    assertThat(rules.output()).contains("SUCCESS");
  }

  @Test
  void everyRulePassesItsUnitTests() throws Exception {
    Result tests = run("promtool", "test", "rules", RULE_TESTS.toString());

    assertThat(tests.exitCode()).as(tests.output()).isZero();
    assertThat(tests.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTestThatFiresItAndAllItsAnnotations() throws IOException {
    String rules = Files.readString(RULES);
    String tests = Files.readString(RULE_TESTS);
    List<String> alerts = all(Pattern.compile("(?m)^\\s+- alert: (\\w+)$"), rules);

    assertThat(alerts).hasSizeGreaterThanOrEqualTo(15).doesNotHaveDuplicates();
    for (String alert : alerts) {
      // A test that expects it to fire (a non-empty exp_alerts after its name).
      assertThat(tests)
          .as("a firing test for " + alert)
          .containsPattern("alertname: " + alert + "\\s+exp_alerts:\\s+- exp_labels:");
    }
    for (String block : rules.split("- alert: ")) {
      if (block.startsWith("groups:") || block.startsWith("#")) {
        continue;
      }
      assertThat(block)
          .as("severity, summary, description and runbook of " + block.lines().findFirst())
          .containsPattern("severity: (page|warning)")
          .contains("summary: ", "description: ", "runbook: ");
    }
  }

  @Test
  void alertmanagerAcceptsItsConfiguration() throws Exception {
    Result check = run("amtool", "check-config", ALERTMANAGER.toString());

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS", "4 inhibit rules");
  }

  private static List<String> all(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
