package org.dxscraper.instrumentation.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProbeTargetTest {

  @Test
  void parsesTcpTarget() {
    ProbeTarget target = ProbeTarget.parse("cluster=tcp://dxc.example.org:7300");

    assertThat(target.name()).isEqualTo("cluster");
    assertThat(target.uri()).isEqualTo(URI.create("tcp://dxc.example.org:7300"));
    assertThat(target.isHttp()).isFalse();
  }

  @Test
  void parsesHttpAndHttpsTargetsWithPathAndQuery() {
    assertThat(ProbeTarget.parse("grafana=http://127.0.0.1:3000/api/health").isHttp()).isTrue();
    ProbeTarget https = ProbeTarget.parse("qrz=https://example.org/a?b=c");
    assertThat(https.name()).isEqualTo("qrz");
    assertThat(https.uri().getQuery()).isEqualTo("b=c");
  }

  @Test
  void refusesSpecWithoutName() {
    assertThatThrownBy(() -> ProbeTarget.parse("tcp://host:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "probe must be NAME=tcp://HOST:PORT or NAME=http(s)://URL, got \"tcp://host:1\"");
    assertThatThrownBy(() -> ProbeTarget.parse("=tcp://host:1"))
        .hasMessageStartingWith("probe must be NAME=tcp://HOST:PORT or NAME=http(s)://URL");
    assertThatThrownBy(() -> ProbeTarget.parse("name="))
        .hasMessageStartingWith("probe must be NAME=tcp://HOST:PORT or NAME=http(s)://URL");
  }

  @Test
  void refusesUnknownScheme() {
    assertThatThrownBy(() -> ProbeTarget.parse("db=postgres://host:5432"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "probe must be NAME=tcp://HOST:PORT or NAME=http(s)://URL, got db=postgres://host:5432");
    assertThatThrownBy(() -> ProbeTarget.parse("db=host:5432"))
        .hasMessageStartingWith("probe must be NAME=tcp://HOST:PORT or NAME=http(s)://URL");
  }

  @Test
  void refusesTcpWithoutPortOrWithPath() {
    assertThatThrownBy(() -> ProbeTarget.parse("x=tcp://host"))
        .hasMessageContaining("tcp needs exactly HOST:PORT");
    assertThatThrownBy(() -> ProbeTarget.parse("x=tcp://host:70000"))
        .hasMessageContaining("port 1..65535");
    assertThatThrownBy(() -> ProbeTarget.parse("x=tcp://host:80/health"))
        .hasMessageContaining("tcp needs exactly HOST:PORT");
  }

  @Test
  void refusesMalformedUrlAndKeepsCause() {
    assertThatThrownBy(() -> ProbeTarget.parse("x=http://exa mple.org/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "probe must be NAME=tcp://HOST:PORT or NAME=http(s)://URL, got \"x=http://exa mple.org/\"")
        .hasCauseInstanceOf(java.net.URISyntaxException.class);
  }

  @Test
  void refusesNameThatIsNoLabelFriendlyWord() {
    assertThatThrownBy(() -> ProbeTarget.parse("my probe=tcp://h:1"))
        .hasMessage("probe name must match [A-Za-z0-9][A-Za-z0-9_.-]*, got \"my probe\"");
  }

  @Test
  void settingsRefuseTimeoutLongerThanInterval() {
    assertThatThrownBy(() -> new ProbeSettings(Duration.ofSeconds(5), Duration.ofSeconds(10)))
        .hasMessage("probe timeout must be at most the interval (PT5S), got PT10S");
    assertThatThrownBy(() -> new ProbeSettings(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("probe interval must be positive, got PT0S");
    assertThatThrownBy(() -> new ProbeSettings(Duration.ofSeconds(1), Duration.ofMillis(-1)))
        .hasMessage("probe timeout must be positive, got PT-0.001S");
    assertThat(ProbeSettings.defaults())
        .isEqualTo(new ProbeSettings(Duration.ofSeconds(15), Duration.ofSeconds(5)));
  }

  @Test
  void metricsRefuseDuplicateNames() {
    var targets =
        java.util.List.of(ProbeTarget.parse("a=tcp://h:1"), ProbeTarget.parse("a=tcp://h:2"));
    assertThatThrownBy(() -> new ProbeMetrics(targets, ProbeSettings.defaults()))
        .hasMessage("probe names must be unique, got \"a\" twice");
  }
}
