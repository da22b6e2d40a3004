package org.dxscraper.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the Dockerfile, as the issue's operator needs them: compose accepts the
 * file, every image is pinned, every long-running service has a health check, only Grafana is
 * published (on loopback), the Docker socket reaches only the read-only proxy, and no password is
 * written in the file.
 */
class ComposeFileTest {
  static final Path ROOT = Path.of("..");
  static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
  static final String OWN_IMAGE = "dx-scraper:local";
  static final Pattern PINNED = Pattern.compile("^[\\w./-]+:(?!latest$)[\\w.-]*\\d[\\w.-]*$");

  private static JsonNode services;
  private static JsonNode compose;

  @BeforeAll
  static void read() throws IOException {
    compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    services = compose.path("services");
  }

  private static List<Map.Entry<String, JsonNode>> all() {
    List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
    list.addAll(services.properties());
    return list;
  }

  @Test
  void composeAcceptsTheFile() throws Exception {
    Path tool = Path.of("/usr/bin/docker-compose");
    assumeTrue(Files.isExecutable(tool), "no docker-compose (Debian package docker-compose)");
    Process config =
        new ProcessBuilder(tool.toString(), "-f", "docker-compose.yml", "config", "-q")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(config.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(config.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(config.exitValue()).as(output).isZero();
  }

  @Test
  void everyImageIsPinnedAndTheBuildToo() throws IOException {
    for (Map.Entry<String, JsonNode> service : all()) {
      String image = service.getValue().path("image").asText();
      if (image.equals(OWN_IMAGE)) {
        continue; // built from the Dockerfile, whose base images are checked below
      }
      assertThat(image).as("image of " + service.getKey()).matches(PINNED);
    }
    assertThat(services.path("dx-scraper").path("build").asText()).isEqualTo(".");
    List<String> from =
        Files.readAllLines(ROOT.resolve("Dockerfile")).stream()
            .filter(l -> l.startsWith("FROM "))
            .map(l -> l.split("\\s+")[1])
            .toList();
    assertThat(from).hasSize(2).allSatisfy(image -> assertThat(image).matches(PINNED));
    assertThat(Files.readString(ROOT.resolve("Dockerfile")))
        .contains(
            "USER dx-scraper",
            "HEALTHCHECK",
            "dx-scraper.jar\", \"health\"",
            "COPY jvm.options /opt/dx-scraper/jvm.options",
            "ENTRYPOINT [\"java\", \"@/opt/dx-scraper/jvm.options\", \"-jar\"");
  }

  @Test
  void everyServiceThatKeepsRunningHasAHealthCheck() {
    for (Map.Entry<String, JsonNode> service : all()) {
      if (service.getKey().equals("migrate")) {
        continue; // one shot: it exits when the schema is up to date
      }
      assertThat(service.getValue().path("healthcheck").path("test").isArray())
          .as("health check of " + service.getKey())
          .isTrue();
    }
  }

  @Test
  void onlyGrafanaIsPublishedAndOnlyOnLoopback() {
    for (Map.Entry<String, JsonNode> service : all()) {
      JsonNode ports = service.getValue().path("ports");
      if (service.getKey().equals("grafana")) {
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0).asText()).startsWith("127.0.0.1:");
      } else {
        assertThat(ports.isMissingNode()).as("ports of " + service.getKey()).isTrue();
      }
    }
  }

  @Test
  void theDockerSocketReachesOnlyTheReadOnlyProxy() {
    for (Map.Entry<String, JsonNode> service : all()) {
      for (JsonNode volume : service.getValue().path("volumes")) {
        if (volume.asText().contains("docker.sock")) {
          assertThat(service.getKey()).isEqualTo("docker-proxy");
          assertThat(volume.asText()).endsWith(":ro");
        }
      }
    }
    assertThat(services.path("docker-proxy").path("environment").path("POST").asText())
        .isEqualTo("0");
    assertThat(
            services.path("dx-scraper").path("environment").path("DX_SCRAPER_DOCKER_HOST").asText())
        .startsWith("tcp://docker-proxy:");
  }

  @Test
  void noPasswordIsWrittenInTheFile() throws IOException {
    for (Map.Entry<String, JsonNode> service : all()) {
      service
          .getValue()
          .path("environment")
          .properties()
          .forEach(
              variable -> {
                if (variable.getKey().contains("PASSWORD")) {
                  assertThat(variable.getKey()).as(service.getKey()).endsWith("_FILE");
                  assertThat(variable.getValue().asText()).startsWith("/run/secrets/");
                }
              });
    }
    compose
        .path("secrets")
        .properties()
        .forEach(
            secret -> assertThat(secret.getValue().path("file").asText()).startsWith("./secrets/"));
    Matcher literal =
        Pattern.compile("(?i)password\\s*[:=]\\s*(?!\\$|/run/secrets)\\S")
            .matcher(Files.readString(ROOT.resolve(".env.example")));
    assertThat(literal.find()).as("a password in .env.example").isFalse();
  }

  @Test
  void envExampleIsNameValueLinesAndComments() throws IOException {
    // Compose v2 refuses a project name with spaces; v1 (here) strips them quietly.
    for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        assertThat(line).matches("[A-Z][A-Z0-9_]*=[A-Za-z0-9_.:=,/-]*");
      }
    }
  }
}
