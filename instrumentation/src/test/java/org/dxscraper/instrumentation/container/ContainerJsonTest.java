package org.dxscraper.instrumentation.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Samples shaped like the Engine API's (API 1.4x) and podman's compatible answers. */
class ContainerJsonTest {

  private static final String LIST =
      """
      [
        {
          "Id": "8dfafdbc3a40e2b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4",
          "Names": ["/dx-scraper"],
          "Image": "dx-scraper:latest",
          "Command": "java -jar /app/dx-scraper.jar run",
          "Created": 1735689600,
          "State": "running",
          "Status": "Up 3 hours (healthy)",
          "Ports": [{"PrivatePort": 9105, "Type": "tcp"}],
          "Labels": {"com.docker.compose.service": "dx-scraper"}
        },
        {
          "Id": "9cfa0000000000000000000000000000000000000000000000000000000000aa",
          "Names": ["/dx-scraper/db", "/postgres"],
          "State": "exited",
          "Status": "Exited (0) 2 minutes ago"
        },
        {
          "Id": "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
          "Names": [],
          "State": "configured"
        }
      ]
      """;

  @Test
  void readsIdNameAndStateFromList() throws IOException {
    var containers = ContainerJson.parseList(bytes(LIST));

    assertThat(containers)
        .containsExactly(
            new ContainerJson.Listed(
                "8dfafdbc3a40e2b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4",
                "dx-scraper",
                "running"),
            new ContainerJson.Listed(
                "9cfa0000000000000000000000000000000000000000000000000000000000aa",
                "postgres",
                "exited"),
            new ContainerJson.Listed(
                "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
                "abcdef012345",
                "configured"));
  }

  @Test
  void readsHealthAndRestartCountFromInspect() throws IOException {
    String inspect =
        """
        {
          "Id": "8dfafdbc3a40",
          "Name": "/dx-scraper",
          "RestartCount": 3,
          "State": {
            "Status": "running",
            "Running": true,
            "Paused": false,
            "Restarting": false,
            "ExitCode": 0,
            "Health": {
              "Status": "unhealthy",
              "FailingStreak": 4,
              "Log": [{"ExitCode": 1, "Output": "connection refused"}]
            }
          }
        }
        """;

    assertThat(ContainerJson.parseInspect(bytes(inspect)))
        .isEqualTo(new ContainerJson.Inspected(ContainerHealth.UNHEALTHY, 3));
  }

  @Test
  void readsNoHealthCheckAsNone() throws IOException {
    // dockerd leaves Health out without a HEALTHCHECK; podman sends an empty Status.
    String docker = "{\"RestartCount\": 0, \"State\": {\"Status\": \"exited\"}}";
    String podman =
        "{\"RestartCount\": 2, \"State\": {\"Status\": \"exited\", \"Health\": {\"Status\": \"\"}}}";

    assertThat(ContainerJson.parseInspect(bytes(docker)).health()).isEqualTo(ContainerHealth.NONE);
    assertThat(ContainerJson.parseInspect(bytes(podman)))
        .isEqualTo(new ContainerJson.Inspected(ContainerHealth.NONE, 2));
  }

  @Test
  void mapsEngineStatesToDockerVocabulary() {
    assertThat(ContainerState.fromEngine("running")).isEqualTo(ContainerState.RUNNING);
    assertThat(ContainerState.fromEngine("Exited")).isEqualTo(ContainerState.EXITED);
    assertThat(ContainerState.fromEngine("configured")).isEqualTo(ContainerState.CREATED);
    assertThat(ContainerState.fromEngine("stopped")).isEqualTo(ContainerState.EXITED);
    assertThat(ContainerState.fromEngine("hibernating")).isEqualTo(ContainerState.UNKNOWN);
    assertThat(ContainerState.REPORTED)
        .extracting(ContainerState::label)
        .containsExactly(
            "created", "running", "paused", "restarting", "removing", "exited", "dead");
  }

  @Test
  void refusesJsonOfTheWrongShape() {
    assertThatThrownBy(() -> ContainerJson.parseList(bytes("{\"message\": \"page not found\"}")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("container list is not a JSON array: {\"message\"");
    assertThatThrownBy(() -> ContainerJson.parseList(bytes("[{\"Names\": [\"/x\"]}]")))
        .hasMessageStartingWith("container list holds an entry without a valid Id");
    assertThatThrownBy(() -> ContainerJson.parseList(bytes("[{\"Id\": \"../../info\"}]")))
        .hasMessageStartingWith("container list holds an entry without a valid Id");
    assertThatThrownBy(() -> ContainerJson.parseInspect(bytes("[]")))
        .hasMessage("container inspect is not a JSON object: []");
    assertThatThrownBy(() -> ContainerJson.parseList(bytes("[{\"Id\": ")))
        .isInstanceOf(IOException.class);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
