package org.dxscraper.scraper.simulate;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's broadcast stream and its register of logged-in sessions: generates lines at the
 * configured rate and hands each to every logged-in session, then flushes once per tick.
 *
 * <p>By default the stream runs only while at least one client is logged in, so a test that
 * connects first sees the stream from its first line, and the rate clock restarts after a pause
 * instead of bursting. With {@link SimulatorOptions#spotWithoutClients()} it runs from {@link
 * #startWithoutClients()} on and never pauses; spots nobody receives still go into the history and
 * the sent log. A session that {@link #silenceAll() went silent} stays registered and keeps the
 * stream running. A tick sends what is due by the event loop's ticker, so high rates go out in
 * batches (10,000 spots/s at a 2 ms tick is 20 lines per flush) and low rates are not rounded to
 * the tick. A {@link SimulatorOptions#blast() blast} ignores the rate: it sends lines made in
 * advance while every client's channel takes more, and waits a tick when one is full.
 *
 * <p>Everything except {@link #spotsSent()}, {@link #loggedInClients()}, {@link #logins()} and
 * {@link #addListener} runs on the simulator's single event loop, which also serves every client
 * channel.
 */
final class SimulatorBroadcaster {

  /** Lines kept for {@link SimulatorServer#sentLines()}; older ones are dropped. */
  static final int SENT_LOG_CAPACITY = 100_000;

  /** Command lines kept for {@link SimulatorServer#commandsReceived()}; older ones are dropped. */
  static final int COMMAND_LOG_CAPACITY = 100_000;

  /** Spots kept for {@link SimulatorServer#historyServed()}; older ones are dropped. */
  static final int SERVED_LOG_CAPACITY = 100_000;

  /** DXSpider keeps far more; a thousand is plenty for {@code sh/dx}. */
  static final int HISTORY_CAPACITY = 1_000;

  private static final Logger log = LoggerFactory.getLogger(SimulatorBroadcaster.class);
  private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * Spots a blast sends per task before it flushes and lets the loop serve commands: 256 lines of
   * about 85 bytes stay below Netty's default high-water mark of 64 KiB, so the writability check
   * before each spot sees what the socket has taken, not what this task queued.
   */
  static final int BLAST_CHUNK = 256;

  private final SimulatorOptions options;
  private final SpotGenerator generator;
  private final EventLoop loop;
  private final long tickNanos;
  private final List<SimulatorSessionHandler> sessions = new ArrayList<>();
  private final ArrayDeque<SimulatedSpot> history = new ArrayDeque<>();
  private final ArrayDeque<SentLine> sentLog = new ArrayDeque<>();
  private final ArrayDeque<String> commandLog = new ArrayDeque<>();
  private final ArrayDeque<SimulatedSpot> servedLog = new ArrayDeque<>();
  private final List<SentLineListener> listeners = new CopyOnWriteArrayList<>();
  // A blast's lines, every spot and the extra lines between them, made in the constructor; null
  // when the stream makes its lines as it goes.
  private final ArrayDeque<SentLine> madeInAdvance;

  private volatile long spotsSent;
  private volatile int loggedIn;
  private volatile long logins;
  private long linesSent;
  private long startedAt;
  private long spotsSinceStart;
  private boolean finished;
  private boolean held;
  private Future<?> tick;

  SimulatorBroadcaster(SimulatorOptions options, SpotGenerator generator, EventLoop loop) {
    this.options = options;
    this.generator = generator;
    this.loop = loop;
    long perSpot = (long) (TimeUnit.SECONDS.toNanos(1) / options.rate());
    this.tickNanos = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, perSpot));
    this.madeInAdvance = options.blast() ? makeInAdvance(generator, options.count()) : null;
  }

  private static ArrayDeque<SentLine> makeInAdvance(SpotGenerator generator, long count) {
    // Room for the default mix (a WWV, WCY or announcement line after one spot in fifty); a
    // denser --extra-one-in grows the deque.
    ArrayDeque<SentLine> lines = new ArrayDeque<>((int) (count + count / 32 + 16));
    for (long i = 0; i < count; i++) {
      SentLine extra = generator.nextExtraOrNull();
      if (extra != null) {
        lines.addLast(extra);
      }
      lines.addLast(spotLine(generator.nextSpot()));
    }
    log.info(
        "simulator: made {} spots and {} other lines for the blast", count, lines.size() - count);
    return lines;
  }

  private static SentLine spotLine(SimulatedSpot spot) {
    return new SentLine(
        SentLine.Kind.SPOT, DxSpiderFormat.spotLine(spot, DxSpiderFormat.DEFAULT_WIDTH), spot);
  }

  long spotsSent() {
    return spotsSent;
  }

  int loggedInClients() {
    return loggedIn;
  }

  long logins() {
    return logins;
  }

  void addListener(SentLineListener listener) {
    listeners.add(listener);
  }

  /** A copy of the log, oldest first; call on the event loop. */
  List<SentLine> sentLog() {
    return List.copyOf(sentLog);
  }

  /** A copy of the command lines of logged-in clients, oldest first; call on the event loop. */
  List<String> commandLog() {
    return List.copyOf(commandLog);
  }

  /** Notes a command line a logged-in client sent, already stripped; on the event loop. */
  void commandReceived(String line) {
    commandLog.addLast(line);
    if (commandLog.size() > COMMAND_LOG_CAPACITY) {
      commandLog.removeFirst();
    }
  }

  /** A copy of the spots sent in {@code sh/dx} answers, in the order sent; on the event loop. */
  List<SimulatedSpot> servedLog() {
    return List.copyOf(servedLog);
  }

  /** Notes the spots of a {@code sh/dx} answer as they are written; on the event loop. */
  void historyServed(List<SimulatedSpot> spots) {
    servedLog.addAll(spots);
    while (servedLog.size() > SERVED_LOG_CAPACITY) {
      servedLog.removeFirst();
    }
  }

  /** Newest first, at most {@code n}, optionally only spots of {@code call}; on the event loop. */
  List<SimulatedSpot> history(int n, String call) {
    List<SimulatedSpot> found = new ArrayList<>(Math.min(n, history.size()));
    String wanted = call == null ? null : call.toUpperCase(Locale.ROOT);
    for (SimulatedSpot spot : history) {
      if (found.size() >= n) {
        break;
      }
      if (wanted == null || spot.dxCall().equals(wanted)) {
        found.add(spot);
      }
    }
    return found;
  }

  /**
   * Starts the stream at once when {@link SimulatorOptions#spotWithoutClients()} is set; does
   * nothing otherwise. On the event loop.
   */
  void startWithoutClients() {
    if (options.spotWithoutClients()) {
      startTicking();
    }
  }

  /**
   * Adds a session that has just logged in. A session already logged in with the same call is taken
   * over (DXSpider: "Reconnected as CALL, this instance is disconnected") and leaves the register
   * at once.
   */
  void register(SimulatorSessionHandler session) {
    // Counted first: a client that sees the takeover notice may ask how many logins there were.
    logins++; // volatile for readers elsewhere; only this event loop writes it
    for (SimulatorSessionHandler other : List.copyOf(sessions)) {
      if (other.call().equals(session.call())) {
        sessions.remove(other);
        other.takenOver();
      }
    }
    sessions.add(session);
    loggedIn = sessions.size();
    startTicking();
  }

  void unregister(SimulatorSessionHandler session) {
    sessions.remove(session);
    loggedIn = sessions.size();
  }

  /** Every logged-in session sends nothing more from now on but stays connected and registered. */
  void silenceAll() {
    for (SimulatorSessionHandler session : sessions) {
      session.goSilent("silenceClients");
    }
  }

  /**
   * Holds the spots ({@code true}): sessions stay connected and answer, but no spot is made, in any
   * session, old or new; released, the stream goes on at its rate without catching up.
   */
  void holdSpots(boolean hold) {
    held = hold;
  }

  private void startTicking() {
    if (tick != null || finished) {
      return;
    }
    startedAt = loop.ticker().nanoTime();
    spotsSinceStart = 0;
    tick = loop.schedule(this::tick, tickNanos, TimeUnit.NANOSECONDS);
    if (options.blast()) {
      log.info(
          "simulator: blasting {} spots as fast as {} client(s) read them",
          options.count(),
          sessions.size());
      return;
    }
    log.info(
        "simulator: broadcasting {} spots/s{} to {} client(s){}",
        options.rate(),
        options.count() > 0 ? " (" + options.count() + " in all)" : "",
        sessions.size(),
        options.spotWithoutClients() ? ", also while none is logged in" : "");
  }

  private void tick() {
    tick = null;
    if (sessions.isEmpty() && !options.spotWithoutClients()) {
      log.info("simulator: no client logged in, pausing after {} spots", spotsSent);
      return;
    }
    if (held) {
      startedAt = loop.ticker().nanoTime(); // no burst of the held spots on release
      spotsSinceStart = 0;
      tick = loop.schedule(this::tick, tickNanos, TimeUnit.NANOSECONDS);
      return;
    }
    if (madeInAdvance != null) {
      blast();
      return;
    }
    long elapsed = loop.ticker().nanoTime() - startedAt;
    long due = (long) (elapsed / 1e9 * options.rate()) - spotsSinceStart;
    if (due > options.rate()) {
      // More than a second behind (a long GC pause): skip ahead rather than burst.
      log.debug("simulator: {} spots behind, skipping ahead", due);
      startedAt = loop.ticker().nanoTime();
      spotsSinceStart = 0;
      due = 1;
    }
    List<SimulatorSessionHandler> receivers = List.copyOf(sessions);
    for (long i = 0; i < due && !finished; i++) {
      sendSpot(receivers);
    }
    for (SimulatorSessionHandler session : receivers) {
      session.flush();
    }
    if (finished) {
      log.info("simulator: sent all {} spots, stream ends", spotsSent);
      return;
    }
    tick = loop.schedule(this::tick, tickNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Sends up to {@link #BLAST_CHUNK} spots while every receiver takes more, flushes, and runs
   * again: at once when it sent something, after a tick when a client's buffer was full (the client
   * reads slower than this sends; the socket still holds what it has to read meanwhile).
   */
  private void blast() {
    List<SimulatorSessionHandler> receivers = List.copyOf(sessions);
    int sent = 0;
    while (sent < BLAST_CHUNK && !finished && allWritable(receivers)) {
      sendSpot(receivers);
      sent++;
    }
    for (SimulatorSessionHandler session : receivers) {
      session.flush();
    }
    if (finished) {
      log.info("simulator: sent all {} spots, stream ends", spotsSent);
      return;
    }
    tick = loop.schedule(this::tick, sent > 0 ? 0 : MIN_TICK_NANOS, TimeUnit.NANOSECONDS);
  }

  private static boolean allWritable(List<SimulatorSessionHandler> receivers) {
    for (SimulatorSessionHandler session : receivers) {
      if (!session.writable()) {
        return false;
      }
    }
    return true;
  }

  private void sendSpot(List<SimulatorSessionHandler> receivers) {
    SentLine line;
    if (madeInAdvance == null) {
      SentLine extra = generator.nextExtraOrNull();
      if (extra != null) {
        send(receivers, extra, null);
      }
      line = spotLine(generator.nextSpot());
    } else {
      // A spot is due and count is not reached, so one is left, perhaps after extra lines.
      line = madeInAdvance.removeFirst();
      while (line.spot() == null) {
        send(receivers, line, null);
        line = madeInAdvance.removeFirst();
      }
    }
    SimulatedSpot spot = line.spot();
    history.addFirst(spot);
    if (history.size() > HISTORY_CAPACITY) {
      history.removeLast();
    }
    send(receivers, line, spot);
    spotsSinceStart++;
    spotsSent++;
    if (options.count() > 0 && spotsSent >= options.count()) {
      finished = true;
    }
  }

  private void send(List<SimulatorSessionHandler> receivers, SentLine line, SimulatedSpot spot) {
    // A misbehaviour line takes the place of every Nth line of the stream.
    if (nextIsNth(options.garbageEvery())) {
      deliver(receivers, generator.garbage(), null);
    }
    if (nextIsNth(options.overlongEvery())) {
      deliver(receivers, generator.overlong(), null);
    }
    deliver(receivers, line, spot);
  }

  private boolean nextIsNth(long n) {
    return n > 0 && (linesSent + 1) % n == 0;
  }

  private void deliver(
      List<SimulatorSessionHandler> receivers, SentLine line, SimulatedSpot spotOrNull) {
    linesSent++;
    sentLog.addLast(line);
    if (sentLog.size() > SENT_LOG_CAPACITY) {
      sentLog.removeFirst();
    }
    for (SentLineListener listener : listeners) {
      try {
        listener.onSent(line);
      } catch (RuntimeException e) {
        log.warn("simulator: sent-line listener threw", e);
      }
    }
    for (SimulatorSessionHandler session : receivers) {
      session.deliver(line, spotOrNull);
    }
  }
}
