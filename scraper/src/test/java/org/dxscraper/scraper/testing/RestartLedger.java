package org.dxscraper.scraper.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
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
import java.util.concurrent.ConcurrentHashMap;
import org.dxscraper.scraper.simulate.SentLine;
import org.dxscraper.scraper.simulate.SimulatedSpot;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.store.Journal;
import org.dxscraper.scraper.store.JournalRecord;

/**
 * Accounts for every spot of a simulator's stream across a daemon that is stopped mid-stream
 * (SIGKILL, or SIGTERM) and started again on the same data directory, and says which spots must be
 * stored and which may honestly be missing.
 *
 * <p>Must be stored, exactly once: every spot the stopped run had <em>taken</em> (committed, or
 * read and in its journal: a read the daemon took is never lost), every spot the node served in
 * {@code sh/dx} answers after the stop, and every spot broadcast after the stop to a later login.
 * May be missing: spots the node sent to the stopped run that it had not read yet (in its socket's
 * receive buffer, or sent while a dying process still held the socket) and that are older than the
 * node's {@code sh/dx} answer. The answer is newest first and bounded (the simulator sends at most
 * 100 spots), and the live spots broadcast between the new login and the answer take their share of
 * it, so on a loaded machine more can be in flight at a stop than the node can serve again. Those
 * spots must be the tail after the last spot the stopped run took: a spot missing before it is a
 * hole, a lost read.
 *
 * <p>Keys are {@code "DXCALL SPOTTER kHz"}, the stored spot's identity without its time.
 */
public final class RestartLedger {

  private final SimulatorServer node;
  // Which login was the latest when each spot was broadcast, noted on the node's loop in step with
  // its logins: the spots of a later login went to the restarted run live.
  private final Map<String, Long> loginAtBroadcast = new ConcurrentHashMap<>();
  private Stop stop;

  private RestartLedger(SimulatorServer node) {
    this.node = node;
  }

  /** Starts noting each broadcast spot's login; call before the first client logs in. */
  public static RestartLedger attach(SimulatorServer node) {
    RestartLedger ledger = new RestartLedger(Objects.requireNonNull(node, "node"));
    node.addListener(
        line -> {
          if (line.spot() != null) {
            ledger.loginAtBroadcast.put(key(line.spot()), node.logins());
          }
        });
    return ledger;
  }

  /**
   * What the stopped run left: taken once it has exited and the node has seen its connection go.
   */
  private record Stop(
      List<String> sent,
      Set<String> committed,
      Set<String> journalled,
      int servedBefore,
      long logins) {

    /** Committed or in the journal: read by the stopped run and kept. */
    Set<String> taken() {
      Set<String> taken = new HashSet<>(committed);
      taken.addAll(journalled);
      return taken;
    }
  }

  /**
   * Notes the state after a stop: call when the stopped process has exited and the node counts no
   * client, before the next run starts (it replays and so changes the journal).
   *
   * @param db a connection to the database the daemon writes
   * @param journalDir the stopped run's journal, {@code DATA-DIR/journal}
   */
  public void stopped(Connection db, Path journalDir) throws SQLException, IOException {
    List<String> sent = sentInOrder();
    stop =
        new Stop(
            sent,
            storedSpots(db).keySet(),
            journalledSpots(journalDir),
            node.historyServed().size(),
            node.logins());
  }

  /** Spots the node sent before the stop, in order. */
  public int sentBeforeStop() {
    return stopNoted().sent().size();
  }

  /**
   * The spots that must be stored: call when the next run has logged in, its {@code sh/dx} has been
   * answered and the node's stream has ended or is held.
   */
  public Set<String> mustStore() {
    Stop at = stopNoted();
    Set<String> must = new HashSet<>(at.taken());
    must.addAll(servedAfterStop());
    for (String key : sentInOrder()) {
      if (loginAtBroadcast.get(key) > at.logins()) {
        must.add(key);
      }
    }
    return must;
  }

  /** Spots broadcast to logins after the stop so far. */
  public long liveAfterStop() {
    long logins = stopNoted().logins();
    return loginAtBroadcast.values().stream().filter(login -> login > logins).count();
  }

  /** Whether the node has answered a {@code sh/dx} since the stop. */
  public boolean answeredSinceStop() {
    return node.historyServed().size() > stopNoted().servedBefore();
  }

  /**
   * Waits until the restarted run has had its {@code sh/dx} answered and {@code live} spots
   * broadcast to it, each within {@code deadline}; {@code run} says why when it died meanwhile.
   */
  public void awaitRestartedRun(JarProcess run, int live, Duration deadline) {
    Await.until(
        () -> "the node to answer the second run's sh/dx:\n" + run.stderrOrWhy(),
        this::answeredSinceStop,
        deadline);
    Await.until(
        () -> live + " spots broadcast to the second run", () -> liveAfterStop() >= live, deadline);
  }

  /**
   * Checks what is stored against {@link #mustStore()} and returns the report; an assertion error
   * carries the report and {@code context}.
   *
   * @param rows the row count of the spot table
   */
  public String verify(Map<String, Boolean> stored, long rows, String context) {
    Stop at = stopNoted();
    String report = report(stored);
    String why = report + "\n" + context;
    List<String> sent = sentInOrder();
    assertThat(sent).as("the node's stream").doesNotHaveDuplicates();
    assertThat(stored.keySet()).as(why).containsAll(mustStore());
    assertThat(new HashSet<>(sent))
        .as("only spots the node sent are stored: " + why)
        .containsAll(stored.keySet());
    assertThat(rows).as("each spot stored once: " + why).isEqualTo(stored.size());
    Set<String> taken = at.taken();
    // The first copy stored wins, and the restarted run replays its journal before it passes on
    // any new line: a taken spot whose row says backfilled came from the node, not from the
    // daemon's own copy, which was lost (masked by sh/dx when it is recent enough).
    assertThat(taken)
        .as("every spot the stopped run took is stored from its own copy, not from sh/dx: " + why)
        .noneMatch(key -> Boolean.TRUE.equals(stored.get(key)));
    int lastTaken = lastIndexTaken(at);
    assertThat(at.sent().subList(0, lastTaken + 1))
        .as("no hole before the last spot the stopped run took: " + why)
        .allMatch(taken::contains);
    return report;
  }

  /**
   * What happened to every spot, by where it stood at the stop (positions count the node's spots
   * from 1): a missing spot that the stopped run had taken is a read the daemon lost; one in flight
   * at the stop (sent, neither committed nor journalled) came back only if the node's sh/dx answer
   * reached it; one broadcast to a later login arrived live.
   */
  public String report(Map<String, Boolean> stored) {
    Stop at = stopNoted();
    Set<String> taken = at.taken();
    Set<String> served = servedAfterStop();
    List<String> sent = sentInOrder();
    List<Integer> inFlight = new ArrayList<>();
    List<Integer> servedPositions = new ArrayList<>();
    List<Integer> backfilled = new ArrayList<>();
    List<Integer> missingTaken = new ArrayList<>();
    List<Integer> takenButBackfilled = new ArrayList<>();
    List<Integer> missingServed = new ArrayList<>();
    List<Integer> missingLive = new ArrayList<>();
    List<Integer> lostInFlight = new ArrayList<>();
    int firstLive = 0;
    for (int i = 0; i < sent.size(); i++) {
      String key = sent.get(i);
      int position = i + 1;
      boolean live = loginAtBroadcast.get(key) > at.logins();
      if (live && firstLive == 0) {
        firstLive = position;
      }
      if (!live && !taken.contains(key)) {
        inFlight.add(position);
      }
      if (served.contains(key)) {
        servedPositions.add(position);
      }
      if (Boolean.TRUE.equals(stored.get(key))) {
        backfilled.add(position);
        if (taken.contains(key)) {
          takenButBackfilled.add(position);
        }
      }
      if (!stored.containsKey(key)) {
        if (taken.contains(key)) {
          missingTaken.add(position);
        } else if (served.contains(key)) {
          missingServed.add(position);
        } else if (live) {
          missingLive.add(position);
        } else {
          lostInFlight.add(position);
        }
      }
    }
    Set<String> made = new HashSet<>(sent);
    long unknown = stored.keySet().stream().filter(k -> !made.contains(k)).count();
    return String.format(
        "%d spots sent before the stop, %d committed at the stop, %d committed or journalled,"
            + " %d neither: in flight, positions %s. After the stop %d sent, live from position"
            + " %d; sh/dx answered with positions %s; %d rows stored from sh/dx, positions %s."
            + " Taken by the stopped run but stored from sh/dx (its own copy lost): %d %s."
            + " Missing %d: %d the stopped run had taken (a lost read) %s, %d served by sh/dx %s,"
            + " %d broadcast live after the stop %s, %d in flight at the stop and older than the"
            + " sh/dx answer (lost with the connection; the node cannot serve them) %s. Stored"
            + " %d, of them never sent: %d.",
        at.sent().size(),
        at.committed().size(),
        taken.size(),
        inFlight.size(),
        ranges(inFlight),
        sent.size() - at.sent().size(),
        firstLive,
        ranges(servedPositions),
        backfilled.size(),
        ranges(backfilled),
        takenButBackfilled.size(),
        ranges(takenButBackfilled),
        missingTaken.size() + missingServed.size() + missingLive.size() + lostInFlight.size(),
        missingTaken.size(),
        ranges(missingTaken),
        missingServed.size(),
        ranges(missingServed),
        missingLive.size(),
        ranges(missingLive),
        lostInFlight.size(),
        ranges(lostInFlight),
        stored.size(),
        unknown);
  }

  /** Every stored spot's key, and whether it came from a node's history (sh/dx). */
  public static Map<String, Boolean> storedSpots(Connection db) throws SQLException {
    Map<String, Boolean> keys = new HashMap<>();
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery("select dx_call, spotter, frequency_khz, backfilled from spot")) {
      while (rs.next()) {
        keys.put(
            rs.getString(1) + " " + rs.getString(2) + " " + rs.getBigDecimal(3).toPlainString(),
            rs.getBoolean(4));
      }
    }
    return keys;
  }

  public static String key(SimulatedSpot spot) {
    return spot.dxCall()
        + " "
        + spot.spotter()
        + " "
        + BigDecimal.valueOf(spot.frequencyHz(), 3).toPlainString();
  }

  private Stop stopNoted() {
    if (stop == null) {
      throw new IllegalStateException("stopped() was not called");
    }
    return stop;
  }

  private Set<String> servedAfterStop() {
    Set<String> served = new HashSet<>();
    List<SimulatedSpot> all = node.historyServed();
    for (SimulatedSpot spot : all.subList(stopNoted().servedBefore(), all.size())) {
      served.add(key(spot));
    }
    return served;
  }

  private List<String> sentInOrder() {
    return node.sentLines().stream()
        .map(SentLine::spot)
        .filter(Objects::nonNull)
        .map(RestartLedger::key)
        .toList();
  }

  /** The spots in the stopped run's journal, read with the journal's own reader. */
  private Set<String> journalledSpots(Path journalDir) throws IOException {
    Map<String, String> keyByLine = new HashMap<>();
    for (SentLine line : node.sentLines()) {
      if (line.spot() != null) {
        keyByLine.put(line.text(), key(line.spot()));
      }
    }
    Set<String> found = new HashSet<>();
    try (Journal journal =
            Journal.open(
                Journal.Settings.defaults(journalDir),
                InstantSource.system(),
                Journal.Listener.NONE);
        Journal.Reader reader = journal.reader(0)) {
      for (JournalRecord record; (record = reader.next()) != null; ) {
        String key = keyByLine.get(record.line());
        if (key != null) {
          found.add(key);
        }
      }
    }
    return found;
  }

  private static int lastIndexTaken(Stop at) {
    Set<String> taken = at.taken();
    for (int i = at.sent().size() - 1; i >= 0; i--) {
      if (taken.contains(at.sent().get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Positions as ranges, "1..5, 9", at most the first 12 ranges. */
  static String ranges(List<Integer> positions) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < positions.size() && out.size() < 12) {
      int from = positions.get(i);
      int to = from;
      while (i + 1 < positions.size() && positions.get(i + 1) == to + 1) {
        to = positions.get(++i);
      }
      out.add(from == to ? Integer.toString(from) : from + ".." + to);
      i++;
    }
    return "[" + String.join(", ", out) + (i < positions.size() ? ", ..." : "") + "]";
  }
}
