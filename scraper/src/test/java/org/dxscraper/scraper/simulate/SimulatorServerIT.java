package org.dxscraper.scraper.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dxscraper.scraper.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator over a plain socket: what any telnet client would see. */
class SimulatorServerIT {

  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2027-03-03T21:07:00Z"));
  private static final int READ_TIMEOUT_MILLIS = 10_000;
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final String PROMPT = "dxspider >\r\n";
  private static final String BEL_BEL_CRLF = "\u0007\u0007\r\n";

  private SimulatorServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private Socket connect(SimulatorOptions options) throws IOException {
    server = new SimulatorServer(options, CLOCK).start();
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return socket;
  }

  private Socket open() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return socket;
  }

  /** Answers {@code login: } with {@code call} and reads the greeting up to its prompt. */
  private static void login(Socket socket, String call) throws IOException {
    InputStream in = socket.getInputStream();
    assertThat(new String(in.readNBytes(7), StandardCharsets.ISO_8859_1)).isEqualTo("login: ");
    send(socket, call);
    assertThat(readRawLine(in)).startsWith("Hello " + call + ",");
    assertThat(readRawLine(in)).isEqualTo("running DXSpider V1.57 build 441\r\n");
    assertThat(readRawLine(in)).startsWith(call + " de SIM-1 ").endsWith(PROMPT);
  }

  /** Reads raw lines up to and including the next prompt line, leaving out broadcasts. */
  private static List<String> readReply(InputStream in) throws IOException {
    List<String> reply = new ArrayList<>();
    for (String line = readRawLine(in); ; line = readRawLine(in)) {
      assertThat(line).as("connection closed before a prompt").isNotEmpty();
      if (line.endsWith(BEL_BEL_CRLF)) {
        continue;
      }
      reply.add(line);
      if (line.endsWith(PROMPT)) {
        return reply;
      }
    }
  }

  private static String readToEnd(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private static void send(Socket socket, String line) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads up to and including the next LF; returns the raw line with its CR, BEL and LF. */
  private static String readRawLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void bindsAnEphemeralPort() {
    server = new SimulatorServer(SimulatorOptions.defaults(), CLOCK).start();

    assertThat(server.port()).isPositive();
  }

  @Test
  void speaksLikeDxSpiderFromLoginToBye() throws IOException {
    // A spot every 1000 s: none arrives during the dialogue.
    try (Socket socket = connect(SimulatorOptions.defaults().withRate(0.001))) {
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readNBytes(7), StandardCharsets.ISO_8859_1)).isEqualTo("login: ");

      send(socket, "N0CALL");
      // No newline after "login: ": the greeting continues the prompt's line.
      assertThat(readRawLine(in)).isEqualTo("Hello N0CALL, this is SIM-1 in Loopback\r\n");
      assertThat(readRawLine(in)).isEqualTo("running DXSpider V1.57 build 441\r\n");
      assertThat(readRawLine(in)).isEqualTo("N0CALL de SIM-1 03-Mar-2027 2107Z dxspider >\r\n");
      assertThat(server.loggedInClients()).isEqualTo(1);

      send(socket, "set/page 0");
      assertThat(readRawLine(in)).isEqualTo("Page Length is now 0 lines\r\n");
      assertThat(readRawLine(in)).endsWith("dxspider >\r\n");

      send(socket, "bye");
      assertThat(readRawLine(in)).startsWith("73 N0CALL");
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void rejectsInvalidCallsignAndCloses() throws IOException {
    try (Socket socket = connect(SimulatorOptions.defaults())) {
      InputStream in = socket.getInputStream();
      in.readNBytes(7);

      send(socket, "foo");

      assertThat(readRawLine(in)).isEqualTo("Sorry FOO is an invalid callsign\r\n");
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void streamsSpotsEndingInBelBelCrLf() throws IOException {
    try (Socket socket = connect(SimulatorOptions.defaults().withRate(1000).withCount(30))) {
      InputStream in = socket.getInputStream();
      in.readNBytes(7);
      send(socket, "N0CALL");

      List<String> broadcasts = new ArrayList<>();
      while (broadcasts.stream().filter(l -> l.startsWith("DX de ")).count() < 30) {
        String line = readRawLine(in);
        if (!line.startsWith("Hello")
            && !line.startsWith("running")
            && !line.contains(" de SIM-1 ")) {
          broadcasts.add(line);
        }
      }

      assertThat(broadcasts).allSatisfy(l -> assertThat(l).endsWith("\u0007\u0007\r\n"));
      assertThat(broadcasts)
          .map(l -> l.substring(0, l.length() - 4))
          .containsExactlyElementsOf(server.sentLines().stream().map(SentLine::text).toList());
      assertThat(server.spotsSent()).isEqualTo(30);
    }
  }

  @Test
  void blastDeliversEveryMadeSpotOverARealSocket() throws IOException {
    // About 17 MB: more than loopback's socket buffers hold, so the blast waits for the reader.
    int count = 200_000;
    try (Socket socket =
        connect(SimulatorOptions.defaults().withCount(count).withSeed(7).withBlast(true))) {
      login(socket, "N0CALL");
      InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);

      java.util.Set<String> spots = new java.util.HashSet<>();
      while (spots.size() < count) {
        String line = readRawLine(in);
        assertThat(line).as("connection closed after %d spots", spots.size()).isNotEmpty();
        if (line.startsWith("DX de ")) {
          spots.add(line);
        }
      }

      assertThat(server.spotsSent()).isEqualTo(count);
    }
  }

  @Test
  void answersAnEmptyLineWithOnlyAPrompt() throws IOException {
    try (Socket socket = connect(SimulatorOptions.defaults().withRate(0.001))) {
      InputStream in = socket.getInputStream();
      login(socket, "N0CALL");

      send(socket, "");
      send(socket, "set/page 0");

      assertThat(readRawLine(in)).isEqualTo("N0CALL de SIM-1 03-Mar-2027 2107Z dxspider >\r\n");
      assertThat(readRawLine(in)).isEqualTo("Page Length is now 0 lines\r\n");
      assertThat(server.commandsReceived()).containsExactly("", "set/page 0");
    }
  }

  @Test
  void secondLoginWithTheSameCallDisconnectsTheFirst() throws IOException {
    try (Socket first = connect(SimulatorOptions.defaults().withRate(0.001));
        Socket second = open()) {
      login(first, "N0CALL");

      login(second, "N0CALL");

      assertThat(readToEnd(first.getInputStream()))
          .isEqualTo("Reconnected as N0CALL, this instance is disconnected\r\n");
      send(second, "sh/dx 1");
      assertThat(readReply(second.getInputStream())).last().asString().endsWith(PROMPT);
      assertThat(server.loggedInClients()).isEqualTo(1);
      assertThat(server.logins()).isEqualTo(2);
    }
  }

  @Test
  void silenceClientsLeavesSessionsOpenAndQuietWhileTheStreamGoesOn() throws IOException {
    try (Socket silenced = connect(SimulatorOptions.defaults().withRate(200))) {
      InputStream in = silenced.getInputStream();
      login(silenced, "N0CALL");
      StringBuilder received = new StringBuilder();
      for (int spots = 0; spots < 5; ) {
        String line = readRawLine(in);
        received.append(line);
        spots += line.startsWith("DX de ") ? 1 : 0;
      }

      List<SentLine> sentBeforeSilence = server.silenceClients();
      long spotsAtSilence = server.spotsSent();
      send(silenced, "sh/dx 3");
      send(silenced, "");

      Await.until(
          () -> "the commands, got " + server.commandsReceived(),
          () -> server.commandsReceived().equals(List.of("sh/dx 3", "")),
          DEADLINE);
      Await.until(
          () -> "20 more spots, got " + (server.spotsSent() - spotsAtSilence),
          () -> server.spotsSent() >= spotsAtSilence + 20,
          DEADLINE);
      assertThat(server.loggedInClients()).isEqualTo(1);
      assertThat(server.historyServed()).as("a silent session answers nothing").isEmpty();
      try (Socket later = open()) {
        login(later, "N1CALL");
        send(later, "");
        assertThat(readReply(later.getInputStream()))
            .containsExactly("N1CALL de SIM-1 03-Mar-2027 2107Z dxspider >\r\n");
      }
      server.disconnectClients();

      // Everything the silenced client got, up to the end of the stream, was sent before silence.
      received.append(readToEnd(in));
      StringBuilder expected = new StringBuilder();
      for (SentLine line : sentBeforeSilence) {
        expected.append(line.text()).append(BEL_BEL_CRLF);
      }
      assertThat(received.toString()).isEqualTo(expected.toString());
    }
  }

  @Test
  void disconnectClientsClosesEveryConnectionAndKeepsListening() throws IOException {
    try (Socket loggedIn = connect(SimulatorOptions.defaults().withRate(0.001));
        Socket atLoginPrompt = open()) {
      login(loggedIn, "N0CALL");
      assertThat(atLoginPrompt.getInputStream().readNBytes(7)).asString().isEqualTo("login: ");

      server.disconnectClients();

      assertThat(loggedIn.getInputStream().read()).isEqualTo(-1);
      assertThat(atLoginPrompt.getInputStream().read()).isEqualTo(-1);
      assertThat(server.loggedInClients()).isZero();
      try (Socket again = open()) {
        login(again, "N0CALL");
      }
      assertThat(server.logins()).isEqualTo(2);
    }
  }

  @Test
  void stopListeningRefusesConnectsUntilStartListeningOnTheSamePort() throws IOException {
    SimulatorOptions options =
        SimulatorOptions.defaults().withRate(100).withSpotWithoutClients(true);
    try (Socket before = connect(options)) {
      int port = server.port();
      login(before, "N0CALL");

      server.stopListening();

      readToEnd(before.getInputStream()); // spots may still be on their way; then the end
      assertThat(server.loggedInClients()).isZero();
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .isInstanceOf(ConnectException.class);
      long spotsAtStop = server.spotsSent();
      Await.until(
          () -> "spots while not listening, got " + (server.spotsSent() - spotsAtStop),
          () -> server.spotsSent() >= spotsAtStop + 10,
          DEADLINE);

      server.startListening();

      assertThat(server.port()).isEqualTo(port);
      try (Socket after = open()) {
        login(after, "N0CALL");
      }
      assertThat(server.logins()).isEqualTo(2);
    }
  }

  /**
   * The JDK releases a closed listening socket only at the event loop's next select; until then
   * connects still complete and the port cannot be bound again. Back to back, without the client
   * reads of the test above in between, this failed within a few hundred cycles before {@code
   * stopListening()} waited for the port to refuse.
   */
  @Test
  void stopAndStartListeningBackToBackRefuseEveryConnectAndRebindEveryTime() throws IOException {
    server =
        new SimulatorServer(
                SimulatorOptions.defaults().withRate(100).withSpotWithoutClients(true), CLOCK)
            .start();
    int port = server.port();
    for (int cycle = 0; cycle < 300; cycle++) {
      server.stopListening();
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .as("connect after stopListening() in cycle %d", cycle)
          .isInstanceOf(ConnectException.class);
      server.startListening();
    }
    try (Socket after = open()) {
      login(after, "N0CALL");
    }
    assertThat(server.port()).isEqualTo(port);
  }

  @Test
  void spotsWithoutClientsFromTheStartAndServesThemToShowDxNewestFirst() throws IOException {
    server =
        new SimulatorServer(
                SimulatorOptions.defaults()
                    .withRate(500)
                    .withCount(40)
                    .withSpotWithoutClients(true),
                CLOCK)
            .start();
    Await.until(
        () -> "40 spots without a client, got " + server.spotsSent(),
        () -> server.spotsSent() == 40,
        DEADLINE);

    try (Socket socket = open()) {
      login(socket, "N0CALL");
      send(socket, "sh/dx 37");

      List<SimulatedSpot> spots =
          server.sentLines().stream().map(SentLine::spot).filter(Objects::nonNull).toList();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 37; i++) {
        expected.add(DxSpiderFormat.historyLine(spots.get(spots.size() - 1 - i)) + "\r\n");
      }
      expected.add("N0CALL de SIM-1 03-Mar-2027 2107Z dxspider >\r\n");
      assertThat(readReply(socket.getInputStream())).containsExactlyElementsOf(expected);
      assertThat(server.commandsReceived()).containsExactly("sh/dx 37");
      assertThat(server.historyServed()).containsExactlyElementsOf(spots.reversed().subList(0, 37));
    }
  }

  @Test
  void aClientThatReadsSlowerThanTheNodeSendsLeavesBytesUnwrittenInTheNode() throws IOException {
    server = new SimulatorServer(SimulatorOptions.defaults().withRate(5000), CLOCK).start();
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096); // before connect: the window the node may fill
      slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
      slow.setSoTimeout(READ_TIMEOUT_MILLIS);
      login(slow, "N0CALL");

      // The client reads no more: the kernel's buffers fill and the rest waits in the node.
      Await.until(
          () -> "bytes held by the node, have " + server.unwrittenBytes(),
          () -> server.unwrittenBytes() > 100_000,
          DEADLINE);
    }
  }
}
