package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.dxscraper.scraper.simulate.SentLine;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.JarProcess;
import org.dxscraper.scraper.testing.JarProcess.Outcome;
import org.dxscraper.scraper.testing.Progress;
import org.dxscraper.scraper.testing.RestartLedger;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons as issue #12 runs them on two machines: logged in to the same node under two SSIDs of
 * one call, each with its own journal, both writing to one PostgreSQL. Both hear every spot; the
 * first to commit a spot stores it and the other's copy is a no-op. One is killed with SIGKILL
 * mid-stream and not started again: the other alone keeps the archive complete. Every spot the node
 * sent is stored exactly once, and the {@code daemon} column says who stored it.
 *
 * <p>The node holds its stream until both are logged in and have had their {@code sh/dx} answered,
 * so both hear it live from its first spot and neither depends on that answer; what the killed
 * daemon had read and not committed is the survivor's to store, not a replay's (the killed one is
 * not started again).
 */
class RedundantDaemonsIT {
  private static final int SPOTS = 3000;
  private static final int RATE = 150;

  /** The kill comes once a third of the stream is out and both daemons have stored rows. */
  private static final int KILL_AFTER_SENT = SPOTS / 3;

  // Progress, not a fixed time, as in JournalKillIT: a wait goes on while its count rises and fails
  // when it has not for STALL; a start (JVM, migrations, cty.dat) has a deadline of its own.
  private static final Duration STALL = Duration.ofSeconds(30);
  private static final Duration CAP = Duration.ofMinutes(5);
  private static final Duration START = Duration.ofMinutes(3);

  /** {@code spot}'s unique key, spot_identity: what ON CONFLICT DO NOTHING relies on. */
  private static final String IDENTITY = "(spotted_at, dx_call, spotter, round(frequency_khz, 1))";

  @TempDir Path temp;

  private final List<JarProcess> started = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void killWhatIsLeft() throws InterruptedException {
    for (JarProcess process : started) {
      process.kill();
    }
  }

  @Test
  void survivorStoresEverySpotOnceAfterTheOtherIsKilled() throws Exception {
    try (TestDatabase db = TestPostgres.createDatabase();
        SimulatorServer node =
            new SimulatorServer(
                    SimulatorOptions.defaults()
                        .withRate(RATE)
                        .withCount(SPOTS)
                        .withSeed(12)
                        .withSpotWithoutClients(true),
                    InstantSource.system())
                .start()) {
      // Like a real node's, the stream goes on whoever listens, so a spot nobody stored is
      // missing, not merely unsent; held until both daemons are in.
      node.holdSpots();
      // The owner migrates once; the daemons then find the schema up to date and may start
      // together.
      List<String> migrate = new ArrayList<>(List.of("migrate"));
      migrate.addAll(db.jarOptions());
      Outcome migrated = JarProcess.run(temp, db.jarEnvironment(), migrate.toArray(String[]::new));
      assertThat(migrated.exitCode()).as(migrated.err()).isZero();

      JarProcess alpha = start(db, node.port(), "alpha", "N0CALL-1");
      JarProcess bravo = start(db, node.port(), "bravo", "N0CALL-2");
      Await.until(
          () ->
              "both daemons to log in, "
                  + node.loggedInClients()
                  + " did:\nalpha:\n"
                  + alpha.stderrOrWhy()
                  + "\nbravo:\n"
                  + bravo.stderrOrWhy(),
          () -> node.loggedInClients() == 2,
          START);
      int bravoMetrics = awaitListeningPort(bravo);
      // Released once both have asked for the history they missed (sh/dx at login, answered on
      // the node's loop before the release): released earlier, the first spots came live and
      // again in bravo's history answer, and bravo's count of spots read ran ahead of the stream.
      Await.until(
          () -> "both daemons' sh/dx at login, commands " + node.commandsReceived(),
          () -> node.commandsReceived().stream().filter(c -> c.startsWith("sh/dx")).count() >= 2,
          START);
      // A spot made in the moment before the hold took (the stream starts with the node) reaches
      // the daemons only in their history answers, not live.
      long sentBeforeRelease = node.spotsSent();
      node.releaseSpots();

      Progress beforeKill =
          Progress.await(
              "both daemons storing, " + KILL_AFTER_SENT + " spots sent",
              () -> db.count("spot"),
              () -> node.spotsSent() >= KILL_AFTER_SENT && rowsByDaemon(db).size() == 2,
              STALL,
              CAP);
      assertThat(beforeKill.reached())
          .as(beforeKill + ", rows by daemon " + rowsByDaemon(db) + "\n" + alpha.stderrOrWhy())
          .isTrue();
      Map<String, Long> rowsAtKill = rowsByDaemon(db);
      alpha.kill();
      long sentAtExit = node.spotsSent();
      assertThat(alpha.process().exitValue()).isEqualTo(137);
      assertThat(sentAtExit).as("killed mid-stream").isLessThan(SPOTS);

      // Bravo alone now: the stream ends after SPOTS, and the wait ends when bravo has read them
      // all (it heard the stream from its first spot) and stored everything it read.
      Progress stream = Progress.await("spots sent", node::spotsSent, SPOTS, STALL, CAP);
      assertThat(stream.reached()).as(stream + "\n" + bravo.stderrOrWhy()).isTrue();
      // In two steps, each by a scrape of its own. A scrape reads its gauges one after another,
      // so one that read the backlog (0) just before the last lines arrived and the count of spots
      // read just after them said "drained" while those were still in a batch; and the count of
      // spots read takes in the history answer too (CI saw both: the stream's last three spots
      // "missing", stored a moment later).
      long liveSpots = SPOTS - sentBeforeRelease;
      Progress read =
          Progress.await(
              "bravo to read the " + liveSpots + " spots sent live",
              () -> receivedLive(bravoMetrics),
              liveSpots,
              STALL,
              CAP);
      assertThat(read.reached()).as(read + "\n" + bravo.stderrOrWhy()).isTrue();
      long receivedByBravo = (long) sum(scrape(bravoMetrics), "dx_scraper_spots_total");
      Progress drained =
          Progress.await(
              "bravo to store or drop each of the " + receivedByBravo + " spots it read",
              () -> db.count("spot"),
              () -> accountedFor(bravoMetrics, receivedByBravo),
              STALL,
              CAP);
      assertThat(drained.reached()).as(drained + "\n" + bravo.stderrOrWhy()).isTrue();

      List<String> sent = sentSpots(node);
      Stored stored;
      try (Connection c = db.connect()) {
        stored = Stored.read(c);
      }
      String summary =
          String.format(
              "%d spots sent, SIGKILL to alpha after %d (rows then %s); stored %d rows, by daemon"
                  + " %s; %s; %s",
              sent.size(),
              sentAtExit,
              rowsAtKill,
              stored.rows(),
              stored.byDaemon(),
              beforeKill,
              drained);
      System.out.println(summary);
      Set<String> sentSet = new HashSet<>(sent);
      Set<String> missing = new HashSet<>(sentSet);
      missing.removeAll(stored.daemonByKey().keySet());
      Set<String> unknown = new HashSet<>(stored.daemonByKey().keySet());
      unknown.removeAll(sentSet);
      String why = summary + "\n" + bravo.stderrOrWhy();

      assertThat(sent).as("the node's stream").hasSize(SPOTS).doesNotHaveDuplicates();
      assertThat(missing.size())
          .as("spots sent and not stored, e.g. " + missing.stream().limit(5).toList() + ": " + why)
          .isZero();
      assertThat(unknown.size())
          .as("rows of spots never sent, e.g. " + unknown.stream().limit(5).toList() + ": " + why)
          .isZero();
      assertThat(stored.duplicateIdentities())
          .as("rows sharing spot_identity " + IDENTITY + ": " + why)
          .isZero();
      assertThat(stored.rows())
          .as("each spot stored once, whatever the time each daemon gave it: " + why)
          .isEqualTo(SPOTS);
      assertThat(stored.byDaemon())
          .as("who stored what: " + why)
          .containsOnlyKeys("alpha", "bravo")
          .allSatisfy((daemon, rows) -> assertThat(rows).isPositive());
      Set<String> sentBeforeAlphaDied = new HashSet<>(sent.subList(0, (int) sentAtExit));
      assertThat(stored.keysOf("alpha"))
          .as("alpha stored only spots sent before it died: " + why)
          .isSubsetOf(sentBeforeAlphaDied);
      String metrics = scrape(bravoMetrics);
      assertThat(metrics).contains("dx_scraper_daemon_info{daemon=\"bravo\"} 1");
      assertThat(sum(metrics, "dx_scraper_spots_stored_total"))
          .as("bravo's count of the rows it inserted, beside its rows' daemon column: " + why)
          .isEqualTo((double) stored.byDaemon().get("bravo"));

      bravo.terminate();
      Outcome bravoExit = bravo.awaitExit(30);
      assertThat(bravoExit.exitCode()).as(bravoExit.err()).isZero();
    }
  }

  /** The spot table as the two daemons left it. */
  private record Stored(
      long rows,
      long duplicateIdentities,
      Map<String, String> daemonByKey,
      Map<String, Long> byDaemon) {

    static Stored read(Connection c) throws SQLException {
      Map<String, String> daemonByKey = new HashMap<>();
      Map<String, Long> byDaemon = new TreeMap<>();
      long rows = 0;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("select dx_call, spotter, frequency_khz, daemon from spot")) {
        while (rs.next()) {
          rows++;
          String key =
              rs.getString(1) + " " + rs.getString(2) + " " + rs.getBigDecimal(3).toPlainString();
          String daemon = Objects.requireNonNullElse(rs.getString(4), "(null)");
          daemonByKey.put(key, daemon);
          byDaemon.merge(daemon, 1L, Long::sum);
        }
      }
      long duplicates;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("select count(*) - count(distinct " + IDENTITY + ") from spot")) {
        rs.next();
        duplicates = rs.getLong(1);
      }
      return new Stored(rows, duplicates, daemonByKey, byDaemon);
    }

    Set<String> keysOf(String daemon) {
      Set<String> keys = new HashSet<>();
      daemonByKey.forEach(
          (key, who) -> {
            if (who.equals(daemon)) {
              keys.add(key);
            }
          });
      return keys;
    }
  }

  /** {@code select daemon, count(*) from spot group by daemon}; empty before the first row. */
  private static Map<String, Long> rowsByDaemon(TestDatabase db) {
    Map<String, Long> rows = new TreeMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select daemon, count(*) from spot group by daemon")) {
      while (rs.next()) {
        rows.put(Objects.requireNonNullElse(rs.getString(1), "(null)"), rs.getLong(2));
      }
    } catch (SQLException e) {
      // not migrated yet: no rows
    }
    return rows;
  }

  /** The node's spots in the order sent, keyed as RestartLedger keys them (no time). */
  private static List<String> sentSpots(SimulatorServer node) {
    return node.sentLines().stream()
        .map(SentLine::spot)
        .filter(Objects::nonNull)
        .map(RestartLedger::key)
        .toList();
  }

  /**
   * The spots the daemon has read from the node's live stream, by its own counts: all it read less
   * those of the history answers; -1 while it cannot be scraped.
   */
  private long receivedLive(int metricsPort) {
    String metrics = scrape(metricsPort);
    // The history answer is on the socket before the first live spot (the node wrote it before
    // the release), so by the first live spot the history count is final.
    double live =
        sum(metrics, "dx_scraper_spots_total") - sum(metrics, "dx_scraper_backfill_spots_total");
    return Double.isNaN(live) ? -1 : (long) live;
  }

  /**
   * Whether the writer has settled each of {@code received} spots, read from an earlier scrape:
   * stored, or dropped as a duplicate or refused, and none left in memory or in the journal
   * unstored. The node's count says what it wrote to the socket, not what the daemon read.
   */
  private boolean accountedFor(int metricsPort, long received) {
    String metrics = scrape(metricsPort);
    return sum(metrics, "dx_scraper_spots_stored_total")
                + sum(metrics, "dx_scraper_spots_filtered_total")
            >= received
        && sum(metrics, "dx_scraper_backlog_spots") == 0
        && sum(metrics, "dx_scraper_journal_checkpoint_lag_lines") == 0;
  }

  /** A metric's value in scrape text, summed over its labels; NaN when it is missing. */
  private static double sum(String metrics, String name) {
    double sum = Double.NaN;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        sum = Double.isNaN(sum) ? value : sum + value;
      }
    }
    return sum;
  }

  private String scrape(int port) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "(scrape failed: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /**
   * The port the daemon's {@code --metrics-listen 127.0.0.1:0} took, which it does not print: its
   * one listening TCP socket, found in {@code /proc}.
   */
  private static int awaitListeningPort(JarProcess process) {
    int[] port = {-1};
    Await.until(
        () ->
            "a listening socket of pid " + process.process().pid() + ":\n" + process.stderrOrWhy(),
        () -> (port[0] = listeningPort(process.process().pid())) > 0,
        START);
    return port[0];
  }

  private static int listeningPort(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed meanwhile
        }
        if (target.startsWith("socket:[")) {
          inodes.add(target.substring("socket:[".length(), target.length() - 1));
        }
      }
      List<Integer> ports = new ArrayList<>();
      for (String table : List.of("tcp", "tcp6")) {
        List<String> lines = Files.readAllLines(proc.resolve("net").resolve(table));
        for (String line : lines.subList(1, lines.size())) {
          // sl local_address rem_address st ... inode; st 0A is LISTEN, the port is hex.
          String[] f = line.strip().split("\\s+");
          if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
            ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
          }
        }
      }
      if (ports.size() > 1) {
        throw new AssertionError("pid " + pid + " listens on more than one port: " + ports);
      }
      return ports.isEmpty() ? -1 : ports.get(0);
    } catch (IOException e) {
      return -1; // not there yet, or gone
    }
  }

  private JarProcess start(TestDatabase db, int port, String daemonName, String callsign)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--daemon-name",
                daemonName,
                "--callsign",
                callsign,
                "--node",
                "sim=127.0.0.1:" + port,
                "--data-dir",
                temp.resolve(daemonName).toString(),
                "--metrics-listen",
                "127.0.0.1:0"));
    args.addAll(db.jarOptions());
    JarProcess process = JarProcess.start(temp, db.jarEnvironment(), args.toArray(String[]::new));
    started.add(process);
    return process;
  }
}
