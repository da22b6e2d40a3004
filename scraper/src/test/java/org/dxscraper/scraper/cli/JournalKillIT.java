package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.JarProcess;
import org.dxscraper.scraper.testing.Progress;
import org.dxscraper.scraper.testing.RestartLedger;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal against a real SIGKILL: the built jar reads the simulator at 1,000 spots/s, is killed
 * mid-stream and started again on the same {@code --data-dir}. Every spot the killed run had taken
 * (committed, or read and journalled), every spot the node serves from its history at the second
 * login and every spot broadcast to the second run is stored exactly once, and nothing the killed
 * run took is missing before the last spot it took ({@link RestartLedger}).
 *
 * <p>What the node sent that the killed run had not read yet comes back only as far as the node's
 * {@code sh/dx} answer reaches: the simulator sends at most 100 spots, and the live spots broadcast
 * between the new login and the answer take their share of them. On a loaded machine more than that
 * is in flight at a kill, most of it sent while the killed JVM was still being torn down and its
 * socket still took data (up to 0.9 s on two busy cores), so the test does not demand those spots;
 * it prints how many there were.
 */
class JournalKillIT {
  private static final int RATE = 1000;
  private static final int KILL_AFTER_ROWS = 3000;

  /** Spots the second run receives live before the node holds its stream. */
  private static final int LIVE_AFTER_RESTART = 2000;

  // Progress, not a fixed time: a wait for rows goes on while rows are stored and fails when none
  // has been for STALL. A start (JVM, migrations, cty.dat) stores nothing for a while, and on a
  // loaded machine for tens of seconds: it has a deadline of its own, to the login.
  private static final Duration STALL = Duration.ofSeconds(30);
  private static final Duration CAP = Duration.ofMinutes(5);
  private static final Duration START = Duration.ofMinutes(3);

  @TempDir Path temp;

  private final List<JarProcess> started = new ArrayList<>();

  @AfterEach
  void killWhatIsLeft() throws InterruptedException {
    for (JarProcess process : started) {
      process.kill();
    }
  }

  @Test
  void storesEverySpotOnceAfterASigkillMidStream() throws Exception {
    // No count: the stream runs until the test holds it, so the kill is mid-stream however slowly
    // the daemon stores on this machine.
    try (TestDatabase db = TestPostgres.createDatabase();
        SimulatorServer node =
            new SimulatorServer(
                    SimulatorOptions.defaults().withRate(RATE).withSeed(41), InstantSource.system())
                .start()) {
      RestartLedger ledger = RestartLedger.attach(node);
      JarProcess first = start(db, node.port(), false);
      awaitLogin(node, 1, first);
      Progress beforeKill =
          Progress.await(
              "rows before the kill", () -> db.count("spot"), KILL_AFTER_ROWS, STALL, CAP);
      assertThat(beforeKill.reached()).as(beforeKill + "\n" + first.stderrOrWhy()).isTrue();

      // Hold the writer at the database for a second's spots before the kill, so that it finds
      // lines journalled and not yet committed: with reads on a 200 ms grid and a 20 ms batch age,
      // most instants have none, and the replay is what this test is for. The killed run's last
      // COPY waits for the lock, and aborts when it gets it with its client gone.
      String sockets;
      long unwritten;
      long sentAtSignal;
      long sentAtExit;
      try (Connection lock = db.connect()) {
        lock.setAutoCommit(false);
        try (Statement statement = lock.createStatement()) {
          statement.execute("lock table spot in share mode");
        }
        long sentAtLock = node.spotsSent();
        Await.until(
            () -> "the node to send a second's spots with the writer held",
            () -> node.spotsSent() >= sentAtLock + RATE,
            START);
        sockets = sockets(node.port());
        unwritten = node.unwrittenBytes();
        sentAtSignal = node.spotsSent();
        first.kill(); // mid-stream: the node is sending 1,000 spots a second
        sentAtExit = node.spotsSent();
        lock.rollback();
      }
      assertThat(first.process().exitValue()).isEqualTo(137);
      Await.until(
          () -> "the node to see the killed run's connection close",
          () -> node.loggedInClients() == 0,
          START);
      long sentWhenNodeSawClose = node.spotsSent();
      try (Connection c = db.connect()) {
        ledger.stopped(c, temp.resolve("data/journal"));
      }
      String kill =
          String.format(
              "SIGKILL at %d spots/s: the node had sent %d spots at the signal, %d when the process"
                  + " had exited, %d when it saw the connection close; at the signal it held %d"
                  + " bytes it had not written to the socket; ss: %s.",
              RATE, sentAtSignal, sentAtExit, sentWhenNodeSawClose, unwritten, sockets);

      // The second run replays the journal; its sh/dx at login brings back what the node's
      // history still holds of what was in flight at the kill.
      JarProcess second = start(db, node.port(), true);
      awaitLogin(node, 2, second);
      ledger.awaitRestartedRun(second, LIVE_AFTER_RESTART, START);
      node.holdSpots();
      int expected = ledger.mustStore().size();
      Progress afterRestart =
          Progress.await("rows after the restart", () -> db.count("spot"), expected, STALL, CAP);

      Map<String, Boolean> stored;
      try (Connection c = db.connect()) {
        stored = RestartLedger.storedSpots(c);
      }
      String report =
          ledger.verify(
              stored, db.count("spot"), kill + "\n" + afterRestart + "\n" + second.stderrOrWhy());
      System.out.println(kill + " " + report + " " + afterRestart);
      assertThat(afterRestart.reached()).as(kill + "\n" + report + "\n" + afterRestart).isTrue();
      assertThat(second.stderrOrWhy()).contains("lines after the checkpoint");

      second.terminate();
      assertThat(second.awaitExit(30).exitCode()).isZero();
    }
  }

  private static void awaitLogin(SimulatorServer node, long logins, JarProcess process) {
    Await.until(
        () -> "login number " + logins + ":\n" + process.stderrOrWhy(),
        () -> node.logins() >= logins,
        START);
  }

  /**
   * The node's and the daemon's ends of their connection as {@code ss} shows them: bytes received
   * and not yet read (Recv-Q), bytes sent and not yet acknowledged (Send-Q).
   */
  private static String sockets(int port) {
    try {
      Process ss =
          new ProcessBuilder(
                  "ss",
                  "-tnH",
                  "state",
                  "established",
                  "( sport = :" + port + " or dport = :" + port + " )")
              .redirectErrorStream(true)
              .start();
      String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      ss.waitFor();
      List<String> ends = new ArrayList<>();
      for (String line : out.strip().split("\n")) {
        String[] f = line.strip().split("\\s+");
        if (f.length < 4) {
          ends.add(line.strip());
          continue;
        }
        String end = f[2].endsWith(":" + port) ? "node" : "daemon";
        ends.add(end + " Recv-Q " + f[0] + " Send-Q " + f[1]);
      }
      return String.join(", ", ends);
    } catch (IOException e) {
      return "(ss: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  private JarProcess start(TestDatabase db, int port, boolean backfillAtStart) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--callsign",
                "N0CALL",
                "--node",
                "sim=127.0.0.1:" + port,
                "--data-dir",
                temp.resolve("data").toString(),
                "--metrics-listen",
                "127.0.0.1:0"));
    args.addAll(db.jarOptions());
    if (backfillAtStart) {
      args.add("--backfill-at-start");
    }
    JarProcess process = JarProcess.start(temp, db.jarEnvironment(), args.toArray(String[]::new));
    started.add(process);
    return process;
  }
}
