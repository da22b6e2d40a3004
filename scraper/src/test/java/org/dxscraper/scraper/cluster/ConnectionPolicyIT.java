package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the real client paces and ends connections against nodes on loopback. */
class ConnectionPolicyIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final List<AutoCloseable> closeAtEnd = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable closeable : closeAtEnd.reversed()) {
      closeable.close();
    }
  }

  private NodeStatus client(int port, ConnectionPolicy policy) {
    return client(NodeConfig.of("node", "127.0.0.1", port, "N0CALL"), policy);
  }

  private NodeStatus client(NodeConfig node, ConnectionPolicy policy) {
    ClusterClient client =
        new ClusterClient(
            List.of(node), (name, line, at) -> {}, InstantSource.system(), policy, new Random(5));
    closeAtEnd.add(client);
    client.start();
    return client.status(node.name());
  }

  private SimulatorServer simulator(SimulatorOptions options) {
    SimulatorServer server = new SimulatorServer(options, InstantSource.system()).start();
    closeAtEnd.add(server);
    return server;
  }

  private static int refusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void retriesARefusedPortLessThanOnceASecondOnAverage() throws IOException {
    NodeStatus status = client(refusedPort(), ConnectionPolicy.DEFAULT);
    long started = System.nanoTime();

    Await.until(
        () -> "six refused connects, have " + status.counters().connectionErrors(),
        () -> status.counters().connectionErrors() >= 6,
        DEADLINE);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // Five waits drawn from [0.1 s, 1 s], [0.1 s, 2 s] and then [0.1 s, 4 s]: never a tight loop.
    assertThat(took).isGreaterThan(Duration.ofSeconds(5));
    assertThat(status.state()).isEqualTo(SessionState.FAILED);
    assertThat(status.lastFailure()).hasValueSatisfying(f -> assertThat(f).contains("refused"));
  }

  @Test
  void triesTheFallbackAddressWhenTheFirstRefuses() throws IOException {
    SimulatorServer server = simulator(SimulatorOptions.defaults());
    NodeConfig node =
        NodeConfig.parse(
            "node=127.0.0.1:" + refusedPort() + ",127.0.0.1:" + server.port(), "N0CALL");

    NodeStatus status = client(node, ConnectionPolicy.DEFAULT);

    Await.until(() -> "logged in through the fallback", status::isLoggedIn, DEADLINE);
    assertThat(status.address()).hasValue(new NodeAddress("127.0.0.1", server.port()));
    assertThat(status.counters().reconnects(ReconnectReason.CONNECT_FAILED)).isEqualTo(1);
  }

  @Test
  void keepsAQuietNodeThatAnswersItsProbes() {
    // Five spots, then nothing for as long as the test runs; the node still answers commands.
    SimulatorServer server = simulator(SimulatorOptions.defaults().withRate(100).withCount(5));
    NodeStatus status =
        client(
            server.port(),
            ConnectionPolicy.DEFAULT.withProbe(Duration.ofMillis(200), Duration.ofMillis(500)));

    Await.until(
        () -> "five probes, have " + status.counters().probes(),
        () -> status.counters().probes() >= 5,
        DEADLINE);

    assertThat(status.isLoggedIn()).isTrue();
    assertThat(status.counters().reconnects()).isZero();
    assertThat(server.logins()).isEqualTo(1);
    assertThat(server.commandsReceived()).contains("");
  }

  @Test
  void givesUpALoginThatNeverCompletesAndBacksOffLikeARefusal() throws IOException {
    ServerSocket mute = new ServerSocket(0); // accepts and never says a word
    closeAtEnd.add(mute);
    List<Socket> accepted = new ArrayList<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (true) {
                  Socket socket = mute.accept();
                  synchronized (accepted) {
                    accepted.add(socket);
                  }
                }
              } catch (IOException closed) {
                // the test is over
              }
            });
    NodeConfig node =
        NodeConfig.of("node", "127.0.0.1", mute.getLocalPort(), "N0CALL")
            .withLoginTimeout(Duration.ofMillis(300));
    // Every wait drawn at its ceiling: 5 s after a failed login, where a failed connect gets 1 s.
    ClusterClient client =
        new ClusterClient(
            List.of(node),
            (name, line, at) -> {},
            InstantSource.system(),
            ConnectionPolicy.DEFAULT,
            new AlwaysHighest());
    closeAtEnd.add(client);
    client.start();
    NodeStatus status = client.status("node");

    Await.until(
        () -> "a login timeout",
        () -> status.counters().loginFailures() == 1 && status.retryAt().isPresent(),
        DEADLINE);

    assertThat(status.lastFailure())
        .hasValueSatisfying(f -> assertThat(f).contains("login timed out after PT0.3S"));
    // A node that takes connects but no logins is asked again only after the login backoff.
    assertThat(status.retryAt().get())
        .isAfter(Instant.now().plus(Duration.ofSeconds(3)))
        .isBefore(Instant.now().plus(Duration.ofSeconds(6)));
  }

  @Test
  void doesNotFightAnotherClientThatTakesOverItsCallsign() throws IOException {
    SimulatorServer server = simulator(SimulatorOptions.defaults().withRate(50));
    NodeStatus status =
        client(
            server.port(),
            ConnectionPolicy.DEFAULT.withTakeoverWait(Duration.ofMinutes(1), Duration.ofHours(1)));
    Await.until(() -> "logged in", status::isLoggedIn, DEADLINE);

    try (Socket other = new Socket("127.0.0.1", server.port())) {
      logIn(other, "N0CALL");

      Await.until(
          () -> "the daemon's session taken over",
          () -> status.state() == SessionState.TAKEN_OVER,
          DEADLINE);
      assertThat(status.counters().takeovers()).isEqualTo(1);
      assertThat(status.retryAt().get()).isAfter(Instant.now().plus(Duration.ofSeconds(50)));
      assertThat(server.logins()).isEqualTo(2);
      assertThat(status.counters().reconnects()).isZero();
    }
  }

  @Test
  void aRefusedReloginRightAfterItsOwnDeadSessionIsNoTakeover() throws IOException {
    // A node that keeps our half-open session and refuses a second login while it does.
    ServerSocket node = new ServerSocket(0);
    closeAtEnd.add(node);
    List<Socket> held = new ArrayList<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                for (int connection = 0; ; connection++) {
                  Socket socket = node.accept();
                  held.add(socket);
                  OutputStream out = socket.getOutputStream();
                  out.write("login: ".getBytes(StandardCharsets.ISO_8859_1));
                  readLine(socket.getInputStream());
                  String answer =
                      connection == 0
                          ? "N0CALL de FAKE-1 03-Mar-2027 1200Z dxspider >\r\n" // then silence
                          : "Sorry, N0CALL is already connected\r\n";
                  out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                  out.flush();
                  if (connection > 0) {
                    socket.close();
                  }
                }
              } catch (IOException closed) {
                // the test is over
              }
            });
    NodeStatus status =
        client(
            node.getLocalPort(),
            ConnectionPolicy.DEFAULT.withProbe(Duration.ofMillis(200), Duration.ofMillis(300)));

    Await.until(
        () -> "the refused second login",
        () ->
            status.counters().reconnects(ReconnectReason.IDLE) == 1
                && status.counters().loginFailures() == 1
                && status.retryAt().isPresent(),
        DEADLINE);

    assertThat(status.state()).isNotEqualTo(SessionState.TAKEN_OVER);
    assertThat(status.counters().takeovers()).isZero();
    // The login backoff's second ceiling (10 s), not the takeover wait (10 minutes).
    assertThat(status.retryAt().get()).isBefore(Instant.now().plus(Duration.ofSeconds(11)));
    assertThat(status.counters().reconnects(ReconnectReason.LOGIN_FAILED)).isZero(); // not yet
    for (Socket socket : held) {
      socket.close();
    }
  }

  private static void readLine(InputStream in) throws IOException {
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("closed before a line end");
      }
    }
  }

  private static void logIn(Socket socket, String call) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] prompt = "login: ".getBytes(StandardCharsets.ISO_8859_1);
    for (int matched = 0; matched < prompt.length; ) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the login prompt");
      }
      matched = b == prompt[matched] ? matched + 1 : (b == prompt[0] ? 1 : 0);
    }
    OutputStream out = socket.getOutputStream();
    out.write((call + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Draws every bounded value at its top: backoff waits at their ceiling. */
  private static final class AlwaysHighest implements RandomGenerator {
    @Override
    public long nextLong() {
      return Long.MAX_VALUE;
    }

    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }
  }
}
