package org.dxscraper.scraper.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.SOLAR_REPORT;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.dxscraper.db.jooq.tables.records.SpotRecord;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.parse.Unparsed;
import org.dxscraper.scraper.retry.Backoff;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.SpotWriter;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.MigratedDatabase;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bytes from a node on loopback, through telnet filter, line framing, parser and writer, into a
 * real PostgreSQL: a comment is stored as the spotter wrote it, in UTF-8 or Latin-1, with 0xFD to
 * 0xFF intact; a NUL costs the line, not a wrong row; a person's "CW -12dB" is no SNR; a corrected
 * WWV is kept beside the first; the login banner counts as the node's text, not as failures.
 */
class DataAsSentIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final ConnectionPolicy FAST =
      ConnectionPolicy.DEFAULT.withBackoff(
          new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)),
          new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)));
  private static final String NODE = "raw";
  private static final Charset UTF_8 = StandardCharsets.UTF_8;
  private static final Charset LATIN_1 = StandardCharsets.ISO_8859_1;

  /** DXSpider's login banner (shared/fixtures/dxspider/transcript-login.raw), blank line added. */
  private static final List<String> BANNER =
      List.of(
          "Hello N0CALL, this is RAW-1 in Loopback, Localhost",
          "running DXSpider V1.57 build 441",
          "Capabilities: ve7cc rbn",
          "Nodes: 0/1 Users [Loc/Clr]: 1/1 Max: 1/1 - Uptime:  1m 19s",
          "Please enter your name, set/name <your name>",
          "");

  private MigratedDatabase migrated;
  private Database database;
  private DSLContext dsl;
  private Daemon daemon;
  private RawNode node;

  @BeforeEach
  void openDatabase() {
    migrated = TestPostgres.migratedDatabase();
    database = migrated.database();
    dsl = database.dsl();
  }

  @AfterEach
  void stopEverything() throws IOException {
    if (daemon != null) {
      daemon.close();
    }
    if (node != null) {
      node.close();
    }
    migrated.close();
  }

  @Test
  void storesWhatTheNodeSent() throws IOException {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    String time = now.format(DateTimeFormatter.ofPattern("HHmm")) + "Z";
    String hour = Integer.toString(now.getHour());
    ByteArrayOutputStream broadcasts = new ByteArrayOutputStream();
    line(
        broadcasts,
        UTF_8,
        "DX de DL1ABC:  14074.0  W1AW  Gr\u00fc\u00dfe caf\u00e9 \u20ac  " + time);
    line(
        broadcasts,
        LATIN_1,
        "DX de DL2ABC:  14075.0  W2AW  Gr\u00fc\u00dfe aus K\u00f6ln  " + time);
    line(
        broadcasts,
        LATIN_1,
        "DX de DL3ABC:  14076.0  W3AW  \u00ff\u00fe\u00fd and \u00ff  " + time);
    line(broadcasts, LATIN_1, "DX de DL4ABC:  14077.0  NU\u00001ABC  nul in the call  " + time);
    line(broadcasts, LATIN_1, "DX de N1SPOT:   7012.5  JA1XYZ  CW -12dB  " + time);
    line(broadcasts, LATIN_1, "DX de KM3T-2-#: 14100.0 CS3B  CW 24 dB 22 WPM CQ  " + time);
    line(broadcasts, LATIN_1, "WWV de VE7CC <" + hour + ">:   SFI=70, A=12, K=3, No Storms");
    line(broadcasts, LATIN_1, "WWV de VE7CC <" + hour + ">:   SFI=72, A=12, K=3, No Storms");
    line(broadcasts, LATIN_1, "WWV de VE7CC <" + hour + ">:  SFI=70,  A=12, K=3, No Storms");
    int broadcastLines = 9;
    node = new RawNode(broadcasts.toByteArray());
    daemon =
        new Daemon(
                List.of(NodeConfig.of(NODE, "127.0.0.1", node.port(), "N0CALL")),
                database,
                null,
                SpotWriter.Settings.DEFAULTS,
                InstantSource.system(),
                FAST,
                new Random(1),
                new SpotWriter.Listener() {},
                null)
            .start(Duration.ofMinutes(1));
    NodeIngestStats stats = daemon.pipeline().nodes().get(NODE);
    int expectedLines = BANNER.size() + 1 + broadcastLines; // + 1: the prompt

    Await.until(
        () ->
            "every line received and stored; lines "
                + stats.lines()
                + ", spots "
                + dsl.fetchCount(SPOT)
                + ", solar reports "
                + dsl.fetchCount(SOLAR_REPORT),
        () ->
            stats.lines() == expectedLines
                && dsl.fetchCount(SPOT) == 5
                && dsl.fetchCount(SOLAR_REPORT) == 2,
        DEADLINE);

    Map<String, SpotRecord> spots =
        dsl.selectFrom(SPOT).fetch().stream()
            .collect(Collectors.toMap(SpotRecord::getDxCall, r -> r));
    assertThat(spots.keySet()).containsExactlyInAnyOrder("W1AW", "W2AW", "W3AW", "JA1XYZ", "CS3B");
    assertThat(spots.get("W1AW").getComment()).isEqualTo("Gr\u00fc\u00dfe caf\u00e9 \u20ac");
    assertThat(spots.get("W2AW").getComment()).isEqualTo("Gr\u00fc\u00dfe aus K\u00f6ln");
    assertThat(spots.get("W3AW").getComment()).isEqualTo("\u00ff\u00fe\u00fd and \u00ff");
    SpotRecord person = spots.get("JA1XYZ");
    assertThat(person.getSnrDb()).isNull();
    assertThat(person.getMode()).isEqualTo("CW");
    assertThat(person.getModeSource()).isEqualTo("stated");
    assertThat(spots.get("CS3B").getSnrDb()).isEqualTo((short) 24);

    assertThat(dsl.select(SOLAR_REPORT.SFI).from(SOLAR_REPORT).fetch(SOLAR_REPORT.SFI))
        .containsExactlyInAnyOrder((short) 70, (short) 72);
    // The old scraper's view shows one row per station and hour: the latest correction stored.
    // (A correction back to an earlier value is the earlier row again, so 72 stays the latest.)
    assertThat(dsl.fetch("select solar_flux from wwv_announcements").getValues(0, Integer.class))
        .containsExactly(72);

    assertThat(stats.nodeText()).isEqualTo(BANNER.size());
    for (String reason : NodeIngestStats.FAILURE_REASONS) {
      assertThat(stats.unparsed(reason)).as(reason).isEqualTo(reason.equals(Unparsed.NUL) ? 1 : 0);
    }
  }

  /** A broadcast as DXSpider ends it: BEL BEL CR LF. */
  private static void line(ByteArrayOutputStream out, Charset charset, String text) {
    out.writeBytes(text.getBytes(charset));
    out.writeBytes(new byte[] {7, 7, '\r', '\n'});
  }

  /**
   * A node that speaks just enough DXSpider to log one client in ({@code login: } without a line
   * end, the banner, a prompt), then sends its bytes exactly as given, and reads and ignores the
   * client's commands until the client leaves. A real socket, so the bytes cross the real pipeline.
   */
  private static final class RawNode implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private final byte[] broadcasts;

    RawNode(byte[] broadcasts) throws IOException {
      this.broadcasts = broadcasts;
      this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      this.thread = Thread.ofPlatform().daemon().name("raw-node").start(this::serve);
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      try (Socket socket = server.accept()) {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write("login: ".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (int b = in.read(); b != '\n'; b = in.read()) {
          if (b < 0) {
            return;
          }
        }
        StringBuilder banner = new StringBuilder();
        for (String line : BANNER) {
          banner.append(line).append("\r\n");
        }
        banner.append("N0CALL de RAW-1 24-Nov-2026 0105Z dxspider >\r\n");
        out.write(banner.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(broadcasts);
        out.flush();
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        if (!server.isClosed()) {
          throw new UncheckedIOException(e);
        }
      }
    }

    /** Call after the client has gone: the node's thread ends when the client's socket closes. */
    @Override
    public void close() throws IOException {
      server.close();
      try {
        thread.join(DEADLINE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
