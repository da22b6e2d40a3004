package org.dxscraper.instrumentation.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DockerHostTest {

  @Test
  void parsesUnixSocket() {
    DockerHost host = DockerHost.parse("unix:///var/run/docker.sock");

    assertThat(host.isUnixSocket()).isTrue();
    assertThat(host.socketAddress())
        .isEqualTo(UnixDomainSocketAddress.of(Path.of("/var/run/docker.sock")));
    assertThat(DockerHost.DEFAULT).isEqualTo(host);
  }

  @Test
  void parsesTcpAndHttpAsPlainHttpToAnAddressResolvedAtEachConnect() {
    assertThat(DockerHost.parse("tcp://docker-proxy:2375").socketAddress())
        .isEqualTo(InetSocketAddress.createUnresolved("docker-proxy", 2375));
    assertThat(DockerHost.parse("http://[::1]:2375/").socketAddress())
        .isEqualTo(InetSocketAddress.createUnresolved("::1", 2375));
    assertThat(DockerHost.parse("tcp://10.0.0.5:2375").isUnixSocket()).isFalse();
  }

  @Test
  void refusesOtherShapesNamingTheAcceptedOnes() {
    String expected = "docker host must be unix:///PATH, tcp://HOST:PORT or http://HOST:PORT, got ";
    assertThatThrownBy(() -> DockerHost.parse("/var/run/docker.sock"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected + "/var/run/docker.sock");
    assertThatThrownBy(() -> DockerHost.parse("https://host:2376"))
        .hasMessage(expected + "https://host:2376");
    assertThatThrownBy(() -> DockerHost.parse("unix://docker.sock"))
        .hasMessage(
            expected + "unix://docker.sock (a socket needs an absolute path after unix://)");
    assertThatThrownBy(() -> DockerHost.parse("tcp://host"))
        .hasMessage(expected + "tcp://host (TCP needs exactly HOST:PORT, port 1..65535)");
    assertThatThrownBy(() -> DockerHost.parse("tcp://host:2375/v1.41"))
        .hasMessageEndingWith("(TCP needs exactly HOST:PORT, port 1..65535)");
  }

  @Test
  void settingsRefuseNonPositiveAndOverlongDurations() {
    assertThatThrownBy(() -> new ContainerSettings(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("container interval must be positive, got PT0S");
    assertThatThrownBy(() -> new ContainerSettings(Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .hasMessage("container timeout must be at most the interval (PT1S), got PT2S");
    assertThat(ContainerSettings.defaults().interval()).isEqualTo(Duration.ofSeconds(15));
  }
}
