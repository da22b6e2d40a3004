package org.dxscraper.scraper.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator over a plain socket: what any telnet client would see. */
class SimulatorServerIT {

  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2027-03-03T21:07:00Z"));
  private static final int READ_TIMEOUT_MILLIS = 10_000;

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
}
