package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

  @Test
  void parsesNodeFlagWithDefaults() {
    NodeConfig config = NodeConfig.parse("local=127.0.0.1:7300", "n0call-2");

    assertThat(config.name()).isEqualTo("local");
    assertThat(config.addresses()).containsExactly(new NodeAddress("127.0.0.1", 7300));
    assertThat(config.callsign()).isEqualTo("N0CALL-2");
    assertThat(config.password()).isEmpty();
    assertThat(config.initCommands()).containsExactly("set/page 0");
    assertThat(config.loginTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.maxLineLength()).isEqualTo(2048);
    assertThat(config.backfillMax()).isEqualTo(100);
  }

  @Test
  void parsesFallbackAddressesAndCyclesThroughThem() {
    NodeConfig config =
        NodeConfig.parse("spider=dx.example.org:8000,[::1]:7300,10.0.0.2:23", "N0CALL");

    assertThat(config.addresses())
        .containsExactly(
            new NodeAddress("dx.example.org", 8000),
            new NodeAddress("::1", 7300),
            new NodeAddress("10.0.0.2", 23));
    assertThat(config.address(0).port()).isEqualTo(8000);
    assertThat(config.address(4).port()).isEqualTo(7300);
    assertThat(config.address(1).toString()).isEqualTo("[::1]:7300");
  }

  @Test
  void rejectsABackfillOutOfRange() {
    assertThatThrownBy(
            () -> NodeConfig.of("local", "127.0.0.1", 7300, "N0CALL").withBackfillMax(-1))
        .hasMessageContaining("backfill must be 0..1000 spots (0 = off), got -1");
  }

  @Test
  void parsesHostNamesAndBracketedIpv6() {
    assertThat(NodeConfig.parse("spider=dx.example.org:8000", "N0CALL").address(0).host())
        .isEqualTo("dx.example.org");
    assertThat(NodeConfig.parse("v6=[::1]:7300", "N0CALL").address(0).host()).isEqualTo("::1");
  }

  @Test
  void rejectsNodeFlagWithoutName() {
    assertThatThrownBy(() -> NodeConfig.parse("127.0.0.1:7300", "N0CALL"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NAME=HOST:PORT")
        .hasMessageContaining("'127.0.0.1:7300'");
  }

  @Test
  void rejectsNodeFlagWithoutPort() {
    assertThatThrownBy(() -> NodeConfig.parse("local=127.0.0.1", "N0CALL"))
        .hasMessageContaining("missing ':PORT'");
  }

  @Test
  void rejectsNonNumericPort() {
    assertThatThrownBy(() -> NodeConfig.parse("local=127.0.0.1:telnet", "N0CALL"))
        .hasMessageContaining("port must be a number 1..65535, got 'telnet'");
  }

  @Test
  void rejectsPortOutOfRange() {
    assertThatThrownBy(() -> NodeConfig.parse("local=127.0.0.1:70000", "N0CALL"))
        .hasMessageContaining("port must be 1..65535, got 70000");
  }

  @Test
  void rejectsUnbracketedIpv6() {
    assertThatThrownBy(() -> NodeConfig.parse("v6=::1:7300", "N0CALL"))
        .hasMessageContaining("brackets");
  }

  @Test
  void rejectsCallsignWithSpaces() {
    assertThatThrownBy(() -> NodeConfig.of("local", "127.0.0.1", 7300, "N0 CALL"))
        .hasMessageContaining("callsign must be")
        .hasMessageContaining("'N0 CALL'");
  }

  @Test
  void rejectsInitCommandWithLineBreak() {
    assertThatThrownBy(
            () ->
                NodeConfig.of("local", "127.0.0.1", 7300, "N0CALL")
                    .withInitCommands(List.of("set/page 0\r\nbye")))
        .hasMessageContaining("init commands must be non-blank single lines");
  }

  @Test
  void rejectsTinyMaxLineLength() {
    assertThatThrownBy(
            () -> NodeConfig.of("local", "127.0.0.1", 7300, "N0CALL").withMaxLineLength(10))
        .hasMessageContaining("maxLineLength must be 80..1048576 bytes, got 10");
  }

  @Test
  void rejectsNonPositiveLoginTimeout() {
    assertThatThrownBy(
            () ->
                NodeConfig.of("local", "127.0.0.1", 7300, "N0CALL").withLoginTimeout(Duration.ZERO))
        .hasMessageContaining("loginTimeout must be positive, got PT0S");
  }

  @Test
  void neverPrintsThePassword() {
    NodeConfig config = NodeConfig.of("local", "127.0.0.1", 7300, "N0CALL").withPassword("s3cret");

    assertThat(config.password()).isEqualTo(Optional.of("s3cret"));
    assertThat(config.toString()).doesNotContain("s3cret").contains("password=****");
  }

  @Test
  void rejectsPasswordWithLineBreakWithoutEchoingIt() {
    assertThatThrownBy(
            () -> NodeConfig.of("local", "127.0.0.1", 7300, "N0CALL").withPassword("a\nb"))
        .hasMessageContaining("password must be")
        .hasMessageNotContaining("a\nb");
  }
}
