package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.NodeSoftware;
import org.dxscraper.scraper.parse.Spot;
import org.dxscraper.scraper.retry.Backoff;
import org.dxscraper.scraper.simulate.SentLine;
import org.dxscraper.scraper.simulate.SimulatedSpot;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real client against the loopback simulator over TCP. */
class ClusterClientSimulatorIT {

  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final ConnectionPolicy FAST =
      ConnectionPolicy.DEFAULT.withBackoff(
          new Backoff(Duration.ofMillis(100), Duration.ofMillis(200)),
          new Backoff(Duration.ofMillis(100), Duration.ofMillis(200)));
  private static final ConnectionPolicy SLOW =
      ConnectionPolicy.DEFAULT.withBackoff(
          new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)),
          new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)));

  private final Queue<String> received = new ConcurrentLinkedQueue<>();
  private SimulatorServer server;
  private ClusterClient client;

  private NodeStatus connect(SimulatorOptions options, String callsign, ConnectionPolicy policy) {
    server = new SimulatorServer(options, InstantSource.system()).start();
    NodeConfig node = NodeConfig.of("sim", "127.0.0.1", server.port(), callsign);
    client =
        new ClusterClient(
            List.of(node),
            (name, line, at) -> received.add(line),
            InstantSource.system(),
            policy,
            new Random(1));
    client.start();
    return client.status("sim");
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private List<String> broadcasts() {
    return received.stream()
        .filter(
            l ->
                l.startsWith("DX de ")
                    || l.startsWith("WWV de ")
                    || l.startsWith("WCY de ")
                    || l.startsWith("To ALL de "))
        .toList();
  }

  private List<String> spots() {
    return received.stream().filter(l -> l.startsWith("DX de ")).toList();
  }

  private List<String> sent(SentLine.Kind... kinds) {
    Set<SentLine.Kind> wanted = Set.of(kinds);
    return server.sentLines().stream()
        .filter(l -> wanted.contains(l.kind()))
        .map(SentLine::text)
        .toList();
  }

  @Test
  void receivesExactlyTheLinesTheSimulatorSent() {
    NodeStatus status =
        connect(
            SimulatorOptions.defaults().withRate(2000).withCount(200).withSeed(42), "N0CALL", FAST);

    Await.until(
        () -> "200 spots, have " + spots().size() + ", " + status,
        () -> spots().size() == 200,
        DEADLINE);

    assertThat(server.spotsSent()).isEqualTo(200);
    assertThat(broadcasts()).containsExactlyElementsOf(sent(SentLine.Kind.values()));
    assertThat(spots()).doesNotHaveDuplicates();
    assertThat(status.isLoggedIn()).isTrue();
    assertThat(status.software()).isEqualTo(NodeSoftware.DXSPIDER);
    assertThat(status.counters().overlongLinesDiscarded()).isZero();
    assertThat(status.counters().disconnects()).isZero();
    assertThat(received).contains("Page Length is now 0 lines");
  }

  @Test
  void everyBroadcastSpotParsesFieldForFieldToWhatTheSimulatorMadeIt() {
    connect(SimulatorOptions.defaults().withRate(2000).withCount(300).withSeed(7), "N0CALL", FAST);
    Await.until(() -> "300 spots, have " + spots().size(), () -> spots().size() == 300, DEADLINE);
    List<SimulatedSpot> made =
        server.sentLines().stream().map(SentLine::spot).filter(Objects::nonNull).toList();
    LineParser parser = new LineParser();
    Instant now = Instant.now();

    List<String> received = spots();

    assertThat(made).hasSize(300);
    for (int i = 0; i < made.size(); i++) {
      SimulatedSpot expected = made.get(i);
      Spot spot = (Spot) parser.parse(received.get(i), now);
      String comment = expected.comment();
      // DXSpider cuts the comment to 30 columns at the default width of 80.
      String shown = comment.length() > 30 ? comment.substring(0, 30) : comment;
      assertThat(spot.spotter()).as(received.get(i)).isEqualTo(expected.spotter());
      assertThat(spot.frequencyHz()).as(received.get(i)).isEqualTo(expected.frequencyHz());
      assertThat(spot.dxCall()).as(received.get(i)).isEqualTo(expected.dxCall());
      assertThat(spot.comment()).as(received.get(i)).isEqualTo(shown.strip());
      assertThat(spot.timeFromLine()).isTrue();
      assertThat(spot.spottedAt()).isEqualTo(expected.time().truncatedTo(ChronoUnit.MINUTES));
    }
  }

  @Test
  void seesTheCloseAndLogsInAgainWhenTheNodeClosesAfterNSpots() {
    NodeStatus status =
        connect(SimulatorOptions.defaults().withRate(1000).withCloseAfter(5), "N0CALL", FAST);

    Await.until(
        () -> "a close and a second login, " + status + " " + status.counters(),
        () -> status.counters().disconnects() >= 1 && status.counters().logins() >= 2,
        DEADLINE);

    assertThat(status.counters().reconnects()).isPositive();
    assertThat(spots()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(status.counters().loginFailures()).isZero();
  }

  @Test
  void reportsTheRejectedCallsign() {
    NodeStatus status = connect(SimulatorOptions.defaults(), "FOO", SLOW);

    Await.until(
        () -> "the rejection, " + status,
        () -> status.lastFailure().filter(r -> r.contains("invalid callsign")).isPresent(),
        DEADLINE);

    assertThat(status.state()).isEqualTo(SessionState.FAILED);
    assertThat(status.lastFailure()).hasValueSatisfying(r -> assertThat(r).contains("FOO"));
    assertThat(status.counters().loginFailures()).isEqualTo(1);
    assertThat(server.loggedInClients()).isZero();
  }

  @Test
  void skipsGarbageAndOverlongLinesAndKeepsTheConnection() {
    NodeStatus status =
        connect(
            SimulatorOptions.defaults()
                .withRate(2000)
                .withCount(300)
                .withSeed(5)
                .withGarbageEvery(7)
                .withOverlongEvery(11),
            "N0CALL",
            FAST);
    Await.until(
        () -> "the end of the stream, " + status,
        () -> server.spotsSent() == 300 && spots().size() >= 300,
        DEADLINE);

    List<String> sentSpots = sent(SentLine.Kind.SPOT);
    Set<String> sentSpotSet = Set.copyOf(sentSpots);
    assertThat(received.stream().filter(sentSpotSet::contains).toList())
        .containsExactlyElementsOf(sentSpots);
    assertThat(status.counters().overlongLinesDiscarded())
        .isEqualTo(sent(SentLine.Kind.OVERLONG).size())
        .isPositive();
    assertThat(status.counters().disconnects()).isZero();
    assertThat(status.isLoggedIn()).isTrue();
  }

  @Test
  void staysConnectedWhenTheNodeGoesSilent() {
    NodeStatus status =
        connect(SimulatorOptions.defaults().withRate(1000).withSilentAfter(20), "N0CALL", FAST);

    Await.until(
        () -> "20 spots and a silent node sending on, " + status,
        () -> spots().size() == 20 && server.spotsSent() >= 120,
        DEADLINE);

    assertThat(spots()).hasSize(20);
    assertThat(status.isConnected()).isTrue();
    assertThat(status.isLoggedIn()).isTrue();
    assertThat(status.lastLineAt()).isPresent();
  }
}
