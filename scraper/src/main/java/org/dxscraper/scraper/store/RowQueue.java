package org.dxscraper.scraper.store;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows waiting for the writer, and how they are cut into batches: by size, at the end of a read
 * when the submitter says so ({@link #endOfRead}: the journal's sink does), or by the age of a
 * batch's first row. Without a journal it also holds the water marks: past {@link
 * SpotWriter.Settings#highWater()} rows it asks its {@link SpotWriter.Backpressure} to stop reading
 * from the nodes, at {@link SpotWriter.Settings#lowWater()} to go on.
 *
 * <p>{@link #submit}, {@link #endOfRead} and {@link #linesDone} run on the event loop and never
 * block; the rest runs on the writer thread. Time is injected: a batch's age counts from its first
 * row's arrival as the clock tells it, and the wait for the rest of that age is measured with the
 * ticker (a clock that tests hold still must not hold a batch open forever).
 */
final class RowQueue {
  private static final Logger log = LoggerFactory.getLogger(RowQueue.class);

  /**
   * The longest an idle writer waits for a first row when nothing else is due: {@link #wake()} ends
   * the wait at a stop, and the writer asks for less while a checkpoint is pending ({@link
   * SpotWriter}). Lines that make no row (node text, talk) move the pipeline's mark without waking
   * the writer, so this bounds how long the checkpoint lags behind them: a review found 28.5 s at
   * 30 s, long enough to upset a test that waits for a lag of 0. Polling every 100 ms was a third
   * of an idle daemon's own CPU, every second still one wake-up a second (#11).
   */
  static final Duration IDLE_POLL = Duration.ofSeconds(5);

  /** A row and the journal line it came from ({@link SpotWriter#NO_SEQ} without a journal). */
  record Queued(PendingRow row, long seq) {}

  private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
  private final SpotWriter.Settings settings;
  private final InstantSource clock;
  private final LongSupplier ticker;
  private final SpotWriter.Backpressure backpressure;
  private final WriterStats stats;
  private final AtomicBoolean paused = new AtomicBoolean();
  // The writer thread while it waits for its batch to fill or come of age, and how many more rows
  // would fill it: submit() wakes it only then, not for every row.
  private volatile Thread waiter;
  private volatile int wanted = Integer.MAX_VALUE;
  // Set while the waiter waits for a first row, idle: nudgeIdle() may end that wait.
  private volatile boolean idle;
  // A writer thread beyond the first while it waits for a backlog.
  private volatile Thread backlogWaiter;
  // Rows queued from which the writer's other threads help: a full batch, or the low water mark if
  // that is less (a journal's drain keeps the queue under it).
  private final int backlog;
  // Highest journal sequence whose line the pipeline has finished with (its rows submitted).
  private volatile long linesDone = SpotWriter.NO_SEQ;
  // Set by wake(): no wait starts any more (the writer is stopping).
  private volatile boolean woken;
  // Rows submitted, and how many of them were handed over by endOfRead(): when the writer has
  // taken them all, nothing else is on its way and its batch goes without waiting for its age.
  private final AtomicLong submitted = new AtomicLong();
  private volatile long handedOver;
  // Rows fill() took; fill runs under the writer's gather lock, one thread at a time.
  private long taken;
  // Set by handOverAtEndOfRead(): an idle writer waits for endOfRead(), not for the first row.
  private volatile boolean wakeAtEndOfRead;
  // Times submit() or endOfRead() unparked the gathering writer: for tests.
  final LongAdder writerWakeUps = new LongAdder();

  RowQueue(
      SpotWriter.Settings settings,
      InstantSource clock,
      LongSupplier ticker,
      SpotWriter.Backpressure backpressure,
      WriterStats stats) {
    this.settings = settings;
    this.clock = clock;
    this.ticker = ticker;
    this.backpressure = backpressure;
    this.stats = stats;
    this.backlog = Math.max(1, Math.min(settings.batchSize(), settings.lowWater()));
  }

  void submit(PendingRow row, long seq) {
    queue.add(new Queued(row, seq));
    submitted.incrementAndGet();
    int size = queue.size();
    // An idle writer woken by a read's first row took a few rows and then slept again until the
    // batch's age, while the event loop went on with the rest: two wake-ups a read instead of one.
    // A backlog (a large read, a backfill) wakes it all the same.
    if (size >= wanted && !(idle && wakeAtEndOfRead && size < backlog)) {
      Thread writer = waiter;
      if (writer != null) {
        writerWakeUps.increment();
        LockSupport.unpark(writer);
      }
    }
    if (size >= backlog) {
      Thread second = backlogWaiter;
      if (second != null) {
        LockSupport.unpark(second);
      }
    }
    if (size >= settings.highWater() && paused.compareAndSet(false, true)) {
      stats.pauses.increment();
      log.warn(
          "writer: backlog {} reached {}: pausing reads until it is below {}",
          queue.size(),
          settings.highWater(),
          settings.lowWater());
      backpressure.pause();
    }
  }

  /**
   * From now on an idle writer is woken by {@link #endOfRead()} instead of a first row: for a
   * submitter that calls it after each read's rows. Before the writer starts.
   */
  void handOverAtEndOfRead() {
    wakeAtEndOfRead = true;
  }

  /**
   * The rows submitted so far are all there is for now (a read's lines, or a drain's chunk, are
   * through the pipeline): a writer that has taken them all writes its batch at once instead of
   * waiting for the batch's age. Wakes a waiting writer. On the thread that submits, after the
   * read's rows (from another thread it could cut a read in two).
   */
  void endOfRead() {
    handedOver = submitted.get();
    Thread writer = waiter;
    // A writer gathering may hold every row already: only an idle one has nothing to come for.
    if (writer != null && (!idle || !queue.isEmpty())) {
      writerWakeUps.increment();
      LockSupport.unpark(writer);
    }
  }

  void linesDone(long seq) {
    if (seq > linesDone) {
      linesDone = seq;
    }
  }

  int size() {
    return queue.size();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** When the row at the head arrived; null when the queue is empty. */
  Instant headReceivedAt() {
    Queued head = queue.peek();
    return head == null ? null : head.row().receivedAt();
  }

  /**
   * Takes rows into {@code batch} until it holds {@link SpotWriter.Settings#batchSize()} rows, it
   * holds every row handed over by {@link #endOfRead} and none came after them, or its first row
   * arrived {@link SpotWriter.Settings#batchAge()} ago, by the clock. Waits at most {@link
   * #IDLE_POLL} for a first row; false when none came.
   *
   * @param hurry stop gathering as soon as the queue is empty (the writer is closing)
   */
  boolean fill(List<Queued> batch, boolean hurry) throws InterruptedException {
    return fill(batch, hurry, IDLE_POLL::toNanos);
  }

  /**
   * {@link #fill(List, boolean)}, waiting for a first row at most as long as {@code idleNanos} says
   * once the wait has begun: what it depends on may change meanwhile, and a change made after it
   * was read is followed by {@link #nudgeIdle()}.
   */
  boolean fill(List<Queued> batch, boolean hurry, LongSupplier idleNanos)
      throws InterruptedException {
    Queued first = queue.poll();
    if (first == null && !hurry) {
      awaitRows(1, idleNanos, true);
      first = queue.poll();
    }
    if (first == null) {
      return false;
    }
    batch.add(first);
    taken++;
    // The age counts from the first row's arrival, not from when this thread got to it: rows
    // that came in while the previous batch was being written have already waited.
    Duration waited = Duration.between(first.row().receivedAt(), clock.instant());
    long deadline = ticker.getAsLong() + settings.batchAge().minus(waited).toNanos();
    while (batch.size() < settings.batchSize()) {
      taken += queue.drainTo(batch, settings.batchSize() - batch.size());
      long left = deadline - ticker.getAsLong();
      // woken: the writer is stopping, and awaitRows no longer parks (it would spin).
      if (batch.size() >= settings.batchSize() || left <= 0 || hurry || woken || allHandedOver()) {
        break;
      }
      awaitRows(settings.batchSize() - batch.size(), () -> left, false);
    }
    return true;
  }

  /**
   * Sleeps until {@code rows} rows wait or {@code nanos} (read once the wait has begun) pass,
   * whichever comes first; {@code idleWait} marks an idle writer's wait for a first row, which
   * {@link #nudgeIdle()} may end. Taking rows one by one as they came woke this thread for every
   * row: at 1,000 spots/s that was 670 wake-ups a second and about 20 µs of CPU per spot between
   * the two threads (measured with /proc's per-thread counters); now a batch costs one or two.
   */
  private void awaitRows(int rows, LongSupplier nanos, boolean idleWait)
      throws InterruptedException {
    wanted = rows;
    waiter = Thread.currentThread();
    idle = idleWait;
    try {
      // Checked after waiter is set: a row added (or an end of read said) before then is seen
      // here, a later one sees the waiter and unparks (a permit left over only shortens the next
      // wait; an idle writer with the hand-over on is unparked by endOfRead, not by a row). The
      // wait's length is read after idle is set, so a change it depends on made later is followed
      // by nudgeIdle(), which sees idle and ends the wait. Reading it may take the queue's lock,
      // whose own park can use up an unpark meant for this one: so look again before parking.
      if (mustWait(rows, idleWait)) {
        long wait = nanos.getAsLong();
        if (wait > 0 && mustWait(rows, idleWait)) {
          LockSupport.parkNanos(this, wait);
        }
      }
    } finally {
      idle = false;
      waiter = null;
      wanted = Integer.MAX_VALUE;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("writer interrupted while gathering a batch");
    }
  }

  /**
   * Whether the writer has taken every row handed over and nothing was submitted after them: a
   * read's rows are all in the batch. Writer thread, under the gather lock.
   */
  private boolean allHandedOver() {
    long over = handedOver;
    return taken == over && submitted.get() == over;
  }

  /** Whether a writer wanting {@code rows} more must wait for them; see awaitRows. */
  private boolean mustWait(int rows, boolean idleWait) {
    if (queue.size() >= rows || woken) {
      return false;
    }
    if (idleWait) {
      return true;
    }
    // Rows handed over and not yet taken are in the queue now: take them first. Without an end of
    // read ever said (no journal) handedOver stays 0 and only size and age end the wait.
    long over = handedOver;
    return over <= taken && !(taken == over && submitted.get() == over);
  }

  /**
   * Sleeps until a backlog waits (a full batch, or the low water mark if less: the writer thread
   * that keeps up alone has fallen behind), the writer stops, or {@code nanos} pass. For writer
   * threads beyond the first: at the rates nodes send, one thread stores every batch, and a second
   * that took turns with it cost a wake-up a batch, each thread's data and its connection's backend
   * a little colder (#11). One such waiter at a time.
   */
  void awaitBacklog(long nanos) throws InterruptedException {
    backlogWaiter = Thread.currentThread();
    try {
      // Checked after backlogWaiter is set, as in awaitRows: a row added after this sees it.
      if (queue.size() < backlog && !woken) {
        LockSupport.parkNanos(this, nanos);
      }
    } finally {
      backlogWaiter = null;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("writer interrupted while waiting for a backlog");
    }
  }

  /**
   * How long a writer thread beyond the first may sleep before it must help: 0 when a backlog waits
   * or the oldest queued row has waited {@code stuckAfter} by the clock (the thread storing alone
   * is stuck), else until that row would have, or {@link #IDLE_POLL} when nothing is queued.
   */
  long untilHelpNeeded(Duration stuckAfter) {
    if (queue.size() >= backlog) {
      return 0;
    }
    Instant head = headReceivedAt();
    if (head == null) {
      return IDLE_POLL.toNanos();
    }
    long left = stuckAfter.minus(Duration.between(head, clock.instant())).toNanos();
    return Math.max(0, Math.min(left, IDLE_POLL.toNanos()));
  }

  /**
   * Ends the wait of a writer thread idle for a first row, so that it reconsiders how long to wait:
   * another writer thread committed, and a checkpoint may now be due. Leaves a wait for a batch's
   * age alone. Any thread.
   */
  void nudgeIdle() {
    if (idle) {
      Thread writer = waiter;
      if (writer != null) {
        LockSupport.unpark(writer);
      }
    }
  }

  /** Whether a writer thread waits in {@link #awaitBacklog}: for tests, which must not sleep. */
  boolean backlogWaiting() {
    return backlogWaiter != null;
  }

  /** Whether the writer waits in {@link #fill} for rows: for tests, which must not sleep. */
  boolean writerWaiting() {
    return waiter != null;
  }

  /** Whether the writer waits in {@link #fill} for a first row, idle: for tests. */
  boolean writerIdle() {
    return waiter != null && idle;
  }

  /** Ends the writer's wait at once, and every later one: the writer is stopping. Any thread. */
  void wake() {
    woken = true;
    Thread writer = waiter;
    if (writer != null) {
      LockSupport.unpark(writer);
    }
    Thread second = backlogWaiter;
    if (second != null) {
      LockSupport.unpark(second);
    }
  }

  /** After a batch: lets the nodes be read again once the backlog is down to the low water mark. */
  void resumeIfDrained() {
    if (paused.get() && queue.size() <= settings.lowWater() && paused.compareAndSet(true, false)) {
      log.info("writer: backlog down to {}: reading again", queue.size());
      try {
        backpressure.resume();
      } catch (RuntimeException e) {
        // Nothing the nodes' side does may end the writer thread: it holds what is not stored.
        log.warn("writer: could not resume reading: {}", e.toString());
      }
    }
  }

  /**
   * The highest journal sequence such that every line up to it has no row left in this queue:
   * writer thread, between batches (so no batch is in flight).
   */
  long doneThrough() {
    // Read the pipeline's mark before looking at the queue: every row of a line up to the mark was
    // queued before the mark moved, so an empty queue means all of them were taken and written.
    long done = linesDone;
    Queued head = queue.peek();
    return head == null ? done : head.seq() - 1;
  }
}
