package org.dxscraper.scraper.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable journal: every line a node sends is appended here before anything else happens to it,
 * and replayed from here after a crash or while the database is behind (docs/JOURNAL.md).
 *
 * <p>Threads and ownership:
 *
 * <ul>
 *   <li>The Netty event loop (one thread) appends ({@link #append}), writes ({@link #flush}) and
 *       reads ({@link #reader}). A flush is one {@code write()} into the page cache, never an
 *       fsync, so a SIGKILL loses nothing that was flushed and the event loop never waits for the
 *       disk.
 *   <li>The {@code journal-sync} thread makes every written line durable within {@link
 *       Settings#syncEvery()} of its write: a power loss risks that interval plus one fsync. A line
 *       the writer has stored by then ({@link #stored}) is durable in the database already, so the
 *       thread fsyncs the current segment only when it holds lines that are not: while the database
 *       keeps up, it hardly ever does. It also fsyncs and closes rotated segments. While lines keep
 *       coming it plans one round a write, a sync interval after the write it expects next (a write
 *       that comes earlier wakes it for its own deadline); when a round finds nothing written since
 *       the one before, it sleeps until a write wakes it (or {@link #IDLE_CHECK} passes, for the
 *       free-space check), so an idle daemon does not wake ten times a second.
 *   <li>The writer thread says what is stored ({@link #stored}), moves the checkpoint ({@link
 *       #checkpoint}) and deletes the segments it covers.
 * </ul>
 *
 * <p>Faults are states: a failed write keeps its lines for the next flush and says so in {@link
 * #problem()}; a journal at {@link Settings#maxBytes()} or a disk under {@link
 * Settings#minFreeBytes()} asks its {@link Listener} to stop reading from the nodes.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  /** Bytes gathered for one {@code write()}: one socket read's lines fit many times over. */
  private static final int STAGING_BYTES = 256 * 1024;

  /**
   * How long the sync thread sleeps without a round, when nothing was written since the last one
   * and no write plans one: the free space is still checked this often. Waking every sync interval
   * cost an idle daemon about 0.1% of a core, and every second still a wake-up a second (/proc
   * per-thread counters, #11). While lines arrive a round comes within a sync interval of each
   * write, so a disk that fills then is seen that soon; this only bounds how late a disk filled by
   * others is seen while nothing arrives.
   */
  static final Duration IDLE_CHECK = Duration.ofSeconds(10);

  /**
   * {@link #IDLE_CHECK} while reading is paused for want of disk space: nothing is written then, so
   * only this check can see the space come back and resume reading.
   */
  static final Duration PAUSED_CHECK = Duration.ofSeconds(1);

  private static final int READ_BUFFER_BYTES = 64 * 1024;

  /** {@link #roundAt} when no round is planned. */
  private static final long NO_ROUND = Long.MAX_VALUE;

  /**
   * Writes closer together than this are one read tick's (several nodes read on the same tick): the
   * sync thread plans its rounds by the gap between ticks.
   */
  private static final Duration SAME_TICK = Duration.ofMillis(10);

  /**
   * @param dir where the segments and the checkpoint live; created when missing
   * @param segmentBytes a segment is closed and a new one started past this size
   * @param maxBytes at this size reading from the nodes pauses, and resumes two segments below it
   * @param syncEvery the longest a written line waits to be durable: committed to the database or
   *     fsync'd here
   * @param minFreeBytes below this much free space on the file system reading pauses too
   */
  public record Settings(
      Path dir, long segmentBytes, long maxBytes, Duration syncEvery, long minFreeBytes) {
    public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final Duration DEFAULT_SYNC_EVERY = Duration.ofMillis(100);
    public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

    public Settings {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(syncEvery, "syncEvery");
      if (segmentBytes < 64 * 1024) {
        throw new IllegalArgumentException(
            "journal segment size must be at least 64 KiB, got " + segmentBytes);
      }
      if (maxBytes < 4 * segmentBytes) {
        throw new IllegalArgumentException(
            "journal maximum size must be at least 4 segments ("
                + 4 * segmentBytes
                + " bytes), got "
                + maxBytes);
      }
      if (syncEvery.isNegative() || syncEvery.isZero()) {
        throw new IllegalArgumentException(
            "journal sync interval must be positive, got " + syncEvery);
      }
      if (minFreeBytes < 0) {
        throw new IllegalArgumentException(
            "journal free-space reserve must be >= 0, got " + minFreeBytes);
      }
    }

    public static Settings defaults(Path dir) {
      return new Settings(
          dir,
          DEFAULT_SEGMENT_BYTES,
          DEFAULT_MAX_BYTES,
          DEFAULT_SYNC_EVERY,
          DEFAULT_MIN_FREE_BYTES);
    }
  }

  /**
   * Told when reading from the nodes must stop and may start again, for a reason ({@link
   * #MAX_SIZE}, {@link #DISK_FREE}, {@link #WRITE_FAILED}). Called on the event loop, the writer
   * thread or the sync thread; must return quickly and never throw.
   */
  public interface Listener {
    /** For a journal opened only to be read (tools, benchmarks): nobody to pause. */
    Listener NONE =
        new Listener() {
          @Override
          public void pause(String reason) {}

          @Override
          public void resume(String reason) {}
        };

    void pause(String reason);

    void resume(String reason);
  }

  public static final String MAX_SIZE = "max-size";
  public static final String DISK_FREE = "disk-free";
  public static final String WRITE_FAILED = "write-failed";

  private final Settings settings;
  private final InstantSource clock;
  private final Listener listener;
  private final LongSupplier ticker;
  private final FileStore store;
  private final CopyOnWriteArrayList<JournalSegment> segments;
  private final ConcurrentLinkedQueue<FileChannel> toClose = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean directoryDirty = new AtomicBoolean();
  private final AtomicBoolean pausedForSize = new AtomicBoolean();
  private final AtomicBoolean pausedForDisk = new AtomicBoolean();
  private final AtomicLong bytes = new AtomicLong();
  private final long firstSeqOfRun;
  private final long tornBytesAtOpen;
  // Writer threads, one at a time (under the writer's gather lock), and close().
  private final JournalCheckpoint checkpointFile;
  private final Thread syncer;
  // The ticker's time of the sync thread's next round; NO_ROUND while it has nothing planned. A
  // write lowers it to its own deadline when the planned round would come too late (afterWrite).
  private final AtomicLong roundAt = new AtomicLong(NO_ROUND);
  // The event loop's guess of when its next write comes, for the sync thread's plan.
  private volatile long nextWriteGuess;
  // Sync thread only: when its last round ran, and the last line written when it ended.
  private long lastRound;
  private long seenSeq;
  // Held from open to close: see lockDirectory.
  private FileChannel directoryLock;
  private volatile boolean closed;

  // Event loop only.
  private final List<JournalRecord> pending = new ArrayList<>();
  private ByteBuffer staging =
      ByteBuffer.allocateDirect(STAGING_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private long nextSeq;
  private long lastNumber;
  private long lastWriteNanos;
  private long writeGapNanos;

  private volatile JournalSegment current;
  private volatile long writtenSeq;
  private volatile long checkpointSeq;
  // Every line up to this one is committed to a database whose commits are durable: see stored().
  private volatile long storedSeq;
  private volatile String writeProblem;
  private volatile String syncProblem;
  private volatile long syncFailedAt = Long.MAX_VALUE;

  final LongAdder appended = new LongAdder();
  final LongAdder writeErrorsNoSpace = new LongAdder();
  final LongAdder writeErrorsOther = new LongAdder();
  final LongAdder syncErrors = new LongAdder();
  final LongAdder fsyncs = new LongAdder();

  private Journal(
      Settings settings,
      InstantSource clock,
      Listener listener,
      LongSupplier ticker,
      FileStore store,
      List<JournalSegment> found,
      long checkpointSeq,
      long tornBytes)
      throws IOException {
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.ticker = ticker;
    this.store = store;
    this.segments = new CopyOnWriteArrayList<>(found);
    this.checkpointSeq = checkpointSeq;
    this.storedSeq = checkpointSeq;
    this.checkpointFile = new JournalCheckpoint(settings.dir());
    this.tornBytesAtOpen = tornBytes;
    long last = checkpointSeq;
    long number = 0;
    for (JournalSegment segment : found) {
      last = Math.max(last, segment.lastSeq);
      number = Math.max(number, segment.number);
      bytes.addAndGet(Files.size(segment.path));
    }
    this.firstSeqOfRun = last + 1;
    this.nextSeq = firstSeqOfRun;
    this.writtenSeq = last;
    this.lastNumber = number;
    // Every start writes to a new segment: a torn tail is never written over. On a full disk the
    // first flush tries again, and fails into the held-lines state: never a crash loop.
    try {
      startSegment();
      JournalCheckpoint.forceDirectory(settings.dir());
    } catch (IOException e) {
      log.warn(
          "journal: cannot start a new segment in {} now ({}); trying again at the first line",
          settings.dir(),
          e.toString());
    }
    this.lastRound = ticker.getAsLong();
    this.lastWriteNanos = lastRound; // the first write's gap counts from the open
    this.seenSeq = writtenSeq;
    lower(lastRound + settings.syncEvery().toNanos()); // the new segment's header
    this.syncer = new Thread(this::syncLoop, "journal-sync");
    this.syncer.setDaemon(true);
  }

  /**
   * Opens the journal under {@code settings.dir()}: reads the checkpoint, checks every segment
   * (counting and logging a damaged tail), deletes what the checkpoint covers and starts a new
   * segment and the sync thread. What lies after the checkpoint is left for {@link #reader}.
   */
  public static Journal open(Settings settings, InstantSource clock, Listener listener)
      throws IOException {
    return open(settings, clock, listener, System::nanoTime, true);
  }

  /**
   * {@link #open} without the sync thread, its rounds timed by {@code ticker} (nanoseconds): a test
   * runs each round that is due itself ({@link #roundIfDue}), in virtual time.
   */
  static Journal openWithoutSyncThread(
      Settings settings, InstantSource clock, Listener listener, LongSupplier ticker)
      throws IOException {
    return open(settings, clock, listener, ticker, false);
  }

  private static Journal open(
      Settings settings,
      InstantSource clock,
      Listener listener,
      LongSupplier ticker,
      boolean syncThread)
      throws IOException {
    Path dir = settings.dir();
    Files.createDirectories(dir);
    FileChannel lock = lockDirectory(dir);
    try {
      Journal journal = open(settings, clock, listener, dir, ticker);
      journal.directoryLock = lock;
      if (syncThread) {
        journal.syncer.start();
      }
      return journal;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** The name of the file whose lock says that a daemon uses the directory. */
  static final String LOCK = "lock";

  /**
   * Locks {@code dir} for this process, so that two daemons given one directory (two redundant
   * daemons on one host, one --data-dir) fail at start instead of writing each other's segments and
   * checkpoint. The kernel drops the lock when the process dies, however it dies.
   */
  private static FileChannel lockDirectory(Path dir) throws IOException {
    FileChannel channel =
        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock held;
    try {
      held = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      held = null; // this very process has it open already
    } catch (IOException e) {
      // A file system without locks (some NFS and FUSE mounts): the journal works as before.
      log.warn(
          "journal: cannot lock {} ({}); make sure no other dx-scraper uses it", dir, e.toString());
      return channel;
    }
    if (held == null) {
      channel.close();
      throw new IOException(
          "journal directory "
              + dir
              + " is in use by another dx-scraper: give each daemon its own --data-dir");
    }
    return channel;
  }

  private static Journal open(
      Settings settings, InstantSource clock, Listener listener, Path dir, LongSupplier ticker)
      throws IOException {
    Files.deleteIfExists(dir.resolve(JournalCheckpoint.TEMP));
    long checkpoint;
    try {
      checkpoint = JournalCheckpoint.read(dir);
    } catch (JournalCheckpoint.UnreadableException e) {
      log.warn("journal: {}; replaying every segment (inserts are idempotent)", e.getMessage());
      checkpoint = JournalCheckpoint.NONE;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> JournalSegment.numberOf(p) >= 0)
              .sorted(
                  (a, b) -> Long.compare(JournalSegment.numberOf(a), JournalSegment.numberOf(b)))
              .toList();
    }
    List<JournalSegment> found = new ArrayList<>();
    long torn = 0;
    for (int i = 0; i < files.size(); i++) {
      Scan scan = scan(files.get(i));
      long damaged = scan.fileBytes - scan.segment.size;
      if (damaged > 0) {
        torn += damaged;
        String where = scan.segment.path + " at byte " + scan.segment.size;
        if (i == files.size() - 1) {
          log.warn(
              "journal: {} bytes at the end of {} are not whole records (a write cut short by a"
                  + " crash or power loss); replaying the {} records before them",
              damaged,
              where,
              scan.records);
        } else {
          log.error(
              "journal: {} bytes of {} are damaged (not at the newest segment's end); replaying"
                  + " the {} records before them",
              damaged,
              where,
              scan.records);
        }
      }
      found.add(scan.segment);
    }
    Journal journal =
        new Journal(
            settings, clock, listener, ticker, Files.getFileStore(dir), found, checkpoint, torn);
    journal.deleteCovered(checkpoint);
    long after = journal.writtenSeq - checkpoint;
    if (after > 0) {
      log.info(
          "journal: {} lines after the checkpoint in {} (sequences {}..{}): replaying them",
          after,
          dir,
          checkpoint + 1,
          journal.writtenSeq);
    } else {
      log.info("journal: {} is up to date (checkpoint {})", dir, checkpoint);
    }
    return journal;
  }

  private record Scan(JournalSegment segment, long fileBytes, long records) {}

  /** Reads a segment through: where its readable part ends, and its last sequence. */
  private static Scan scan(Path path) throws IOException {
    long number = JournalSegment.numberOf(path);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileBytes = channel.size();
      long first = JournalSegment.readHeader(channel);
      if (first < 0) {
        // Header-only or header damaged: nothing here is readable. Empty, so the checkpoint
        // covers it and it is deleted.
        return new Scan(new JournalSegment(number, path, 1, 0, 0), fileBytes, 0);
      }
      ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      buffer.flip();
      long filePosition = JournalSegment.HEADER_BYTES;
      long end = JournalSegment.HEADER_BYTES;
      long last = first - 1;
      long records = 0;
      while (true) {
        JournalRecord record = JournalSegment.decode(buffer);
        if (record != null && record.seq() > last && record.seq() >= first) {
          last = record.seq();
          records++;
          end = filePosition - buffer.remaining();
          continue;
        }
        if (record != null || !JournalSegment.needsMore(buffer) || filePosition >= fileBytes) {
          break; // damaged, out of order, or the file ends inside a frame
        }
        buffer.compact();
        int read = channel.read(buffer, filePosition);
        buffer.flip();
        if (read <= 0) {
          break;
        }
        filePosition += read;
      }
      // An earlier run may have left lines the database held unsynced (a kill gives no stop):
      // fsync'd now, so that a power loss soon after this start cannot cut a segment that is no
      // longer the newest, which would read as damage. Best effort: a start never fails on it.
      try {
        channel.force(false);
      } catch (IOException e) {
        log.warn("journal: fsync of {} at start failed: {}", path, e.toString());
      }
      return new Scan(new JournalSegment(number, path, first, last, end), fileBytes, records);
    }
  }

  /** The sequence the first line appended by this run gets: lines below it are from before. */
  public long firstSeqOfRun() {
    return firstSeqOfRun;
  }

  /** Takes a line for the next {@link #flush}; returns its sequence. Event loop only; no I/O. */
  public long append(String node, String line, Instant receivedAt) {
    long seq = nextSeq++;
    pending.add(new JournalRecord(seq, node, receivedAt, line));
    return seq;
  }

  /** Lines appended and not yet written; event loop only. */
  public int pendingLines() {
    return pending.size();
  }

  /**
   * Writes every appended line into the current segment with one {@code write()} (more when they
   * fill the staging buffer or a segment), rotating segments as they fill, and returns the lines
   * now in the kernel, in order. When a write fails the segment is cut back to its last whole
   * frame, the lines not written stay appended for the next flush and {@link #problem()} says why.
   * Event loop only.
   */
  public List<JournalRecord> flush() {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<JournalRecord> written = new ArrayList<>(pending.size());
    int index = 0;
    try {
      while (index < pending.size()) {
        JournalSegment segment = current;
        if (segment == null) {
          segment = startSegment();
        }
        staging.clear();
        int from = index;
        boolean full = false;
        while (index < pending.size()) {
          JournalRecord record = pending.get(index);
          byte[] node = record.node().getBytes(StandardCharsets.UTF_8);
          byte[] line = record.line().getBytes(StandardCharsets.UTF_8);
          int frame = JournalSegment.frameBytes(node, line);
          if (frame > staging.capacity()) {
            growStaging(frame);
            break;
          }
          boolean segmentHasRoom =
              segment.size + staging.position() + frame <= settings.segmentBytes()
                  || (segment.isEmpty() && staging.position() == 0);
          if (!segmentHasRoom) {
            full = true;
            break;
          }
          if (staging.remaining() < frame) {
            break;
          }
          JournalSegment.encode(staging, record.seq(), record.receivedAt(), node, line);
          index++;
        }
        if (index > from) {
          writeStaging(segment, pending.get(index - 1).seq());
          written.addAll(pending.subList(from, index));
        }
        if (full) {
          rotate();
        }
      }
      pending.clear();
      writeSucceeded();
    } catch (IOException e) {
      pending.subList(0, written.size()).clear();
      writeFailed(e);
    }
    if (!written.isEmpty()) {
      appended.add(written.size());
      checkSize();
      afterWrite();
    }
    return written;
  }

  private void growStaging(int frame) {
    staging = ByteBuffer.allocateDirect(frame).order(ByteOrder.LITTLE_ENDIAN);
  }

  private void writeStaging(JournalSegment segment, long lastSeq) throws IOException {
    staging.flip();
    int length = staging.remaining();
    long at = segment.size;
    try {
      while (staging.hasRemaining()) {
        at += segment.channel.write(staging, at);
      }
    } catch (IOException e) {
      // A write cut short leaves part of a frame: cut the file back to the last whole one, so the
      // retry appends where a reader expects the next frame.
      try {
        segment.channel.truncate(segment.size);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    // lastSeq before size: the sync thread reads size first, so the lastSeq it reads after it is
    // at least that of the bytes it counts (syncOnce).
    segment.lastSeq = lastSeq;
    segment.size += length;
    bytes.addAndGet(length);
    writtenSeq = lastSeq;
  }

  private void rotate() throws IOException {
    JournalSegment old = current;
    startSegment();
    toClose.add(old.channel);
    old.channel = null;
  }

  /** Creates the next segment and makes it current; event loop (or open). */
  private JournalSegment startSegment() throws IOException {
    JournalSegment next =
        JournalSegment.create(settings.dir(), lastNumber + 1, writtenSeq + 1, clock.instant());
    lastNumber = next.number;
    // Current before listed: a checkpoint never sees a listed segment newer than the current one,
    // so it cannot delete the segment being written (deleteCovered).
    current = next;
    segments.add(next);
    bytes.addAndGet(next.size);
    directoryDirty.set(true);
    return next;
  }

  private void writeSucceeded() {
    if (writeProblem != null) {
      log.info("journal: writing to {} works again", settings.dir());
      writeProblem = null;
      listener.resume(WRITE_FAILED);
    }
  }

  private void writeFailed(IOException e) {
    boolean noSpace = isNoSpace(e);
    (noSpace ? writeErrorsNoSpace : writeErrorsOther).increment();
    if (writeProblem == null) {
      writeProblem =
          "journal write failing since "
              + clock.instant()
              + ": "
              + (noSpace ? "no space left on device" : e.toString())
              + " ("
              + settings.dir()
              + ", "
              + freeBytes()
              + " bytes free)";
      log.error(
          "journal: cannot write to {}: {}; {} bytes free. Holding {} lines and pausing reading from"
              + " the nodes until a write succeeds",
          settings.dir(),
          e.toString(),
          freeBytes(),
          pending.size());
      listener.pause(WRITE_FAILED);
    }
  }

  private static boolean isNoSpace(IOException e) {
    String message = e.getMessage();
    return message != null && message.contains("No space left");
  }

  private long freeBytes() {
    try {
      return store.getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  /** True while the last write failed: lines are held and reading is paused. */
  public boolean failing() {
    return writeProblem != null;
  }

  private void checkSize() {
    if (bytes.get() >= settings.maxBytes() && pausedForSize.compareAndSet(false, true)) {
      log.warn(
          "journal: {} bytes reached the maximum of {}: pausing reading from the nodes until the"
              + " database catches up",
          bytes.get(),
          settings.maxBytes());
      listener.pause(MAX_SIZE);
    }
  }

  /**
   * Records that every line up to {@code seq} is stored or needed nothing, and deletes the segments
   * that holds only such lines. Writer thread; a value at or below the current checkpoint is
   * ignored.
   */
  public void checkpoint(long seq) throws IOException {
    if (seq <= checkpointSeq || closed) {
      return; // a writer that outlives close() must not touch the files any more
    }
    long bounded = Math.min(seq, writtenSeq);
    try {
      checkpointFile.write(bounded);
      checkpointSeq = bounded;
      if (bounded >= syncFailedAt && syncProblem != null) {
        syncProblem = null; // the lines a failed fsync may have lost are stored now
        syncFailedAt = Long.MAX_VALUE;
        log.info("journal: every line written before the failed fsync is stored now");
      }
    } finally {
      // Even when the checkpoint file cannot be written (a full disk): the covered lines are
      // committed, so deleting them is safe, and it is what frees the space. An older checkpoint
      // only means a longer replay.
      deleteCovered(bounded);
    }
  }

  /**
   * Records that every line up to {@code seq} is committed to the database, in transactions it
   * makes durable (fsync on, synchronous_commit not off): the sync thread need not fsync those
   * lines, and while the database keeps up it fsyncs nothing at all. No I/O; writer threads, one at
   * a time. Unlike {@link #checkpoint}, which writes a file and is moved at most once a second,
   * this is said after every batch.
   */
  public void stored(long seq) {
    if (seq > storedSeq) {
      storedSeq = seq;
    }
  }

  private void deleteCovered(long seq) throws IOException {
    JournalSegment writing = current;
    long newest = writing == null ? Long.MAX_VALUE : writing.number;
    boolean deleted = false;
    try {
      for (JournalSegment segment : segments) {
        if (segment.number >= newest || segment.lastSeq > seq) {
          continue;
        }
        long size = Files.exists(segment.path) ? Files.size(segment.path) : 0;
        Files.deleteIfExists(segment.path);
        segments.remove(segment);
        bytes.addAndGet(-size);
        deleted = true;
      }
      if (deleted) {
        JournalCheckpoint.forceDirectory(settings.dir());
      }
    } finally {
      if (pausedForSize.get()
          && bytes.get() <= settings.maxBytes() - 2 * settings.segmentBytes()
          && pausedForSize.compareAndSet(true, false)) {
        log.info("journal: down to {} bytes: reading from the nodes again", bytes.get());
        listener.resume(MAX_SIZE);
      }
    }
  }

  /**
   * A reader of every record after {@code afterSeq}, in order, up to what has been written. Event
   * loop only (or before the event loop starts).
   */
  public Reader reader(long afterSeq) {
    return new Reader(afterSeq);
  }

  /** Reads records in sequence order across segments; see {@link #reader}. */
  public final class Reader implements AutoCloseable {
    private long afterSeq;
    private JournalSegment segment;
    private FileChannel channel;
    private long filePosition;
    private ByteBuffer buffer =
        ByteBuffer.allocate(READ_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN).flip();

    private Reader(long afterSeq) {
      this.afterSeq = afterSeq;
    }

    /** The next record, or null when every record written so far has been read. */
    public JournalRecord next() throws IOException {
      while (true) {
        if (segment == null && !open(after(-1))) {
          return null;
        }
        JournalRecord record = JournalSegment.decode(buffer);
        if (record != null) {
          if (record.seq() <= afterSeq) {
            continue;
          }
          afterSeq = record.seq();
          return record;
        }
        long end = segment.size;
        if (filePosition < end) {
          if (buffer.position() == 0 && buffer.limit() == buffer.capacity()) {
            buffer =
                ByteBuffer.allocate(buffer.capacity() * 2)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .put(buffer)
                    .flip();
          }
          buffer.compact();
          int limit = (int) Math.min(buffer.remaining(), end - filePosition);
          ByteBuffer window = buffer.duplicate().limit(buffer.position() + limit);
          int read = channel.read(window, filePosition);
          if (read <= 0) {
            throw new IOException(segment.path + ": ended at " + filePosition + " of " + end);
          }
          buffer.position(buffer.position() + read).flip();
          filePosition += read;
          continue;
        }
        if (segment == current) {
          return null; // caught up with the writing side
        }
        JournalSegment next = after(segment.number);
        closeChannel();
        if (!open(next)) {
          return null;
        }
      }
    }

    /** The segment after {@code number} that may hold records after {@link #afterSeq}. */
    private JournalSegment after(long number) {
      for (JournalSegment candidate : segments) {
        if (candidate.number > number && (candidate.lastSeq > afterSeq || candidate == current)) {
          return candidate;
        }
      }
      return null;
    }

    private boolean open(JournalSegment next) throws IOException {
      if (next == null) {
        return false;
      }
      // Opened before anything is assigned: when the open fails, the next call starts over from
      // afterSeq instead of reading on with the previous segment's position.
      FileChannel opened = FileChannel.open(next.path, StandardOpenOption.READ);
      segment = next;
      channel = opened;
      filePosition = JournalSegment.HEADER_BYTES;
      buffer.clear().flip();
      return true;
    }

    private void closeChannel() throws IOException {
      if (channel != null) {
        channel.close();
        channel = null;
      }
      segment = null;
    }

    @Override
    public void close() throws IOException {
      closeChannel();
    }
  }

  private void syncLoop() {
    while (!closed && !Thread.currentThread().isInterrupted()) {
      long wait = untilRound();
      if (wait > 0) {
        // A write that needs an earlier round unparks this thread (afterWrite); so does close().
        LockSupport.parkNanos(this, wait);
        continue;
      }
      try {
        round();
      } catch (RuntimeException e) {
        // A listener that threw (pause, resume): the bound depends on this thread alone, so it
        // must go on; the next round comes an interval later.
        log.error("journal: a sync round failed", e);
        lower(ticker.getAsLong() + settings.syncEvery().toNanos());
      }
    }
  }

  /** Nanoseconds to the next round: a planned one, or the free-space check; due when <= 0. */
  private long untilRound() {
    long at = roundAt.get();
    long check = lastRound + (pausedForDisk.get() ? PAUSED_CHECK : IDLE_CHECK).toNanos();
    long wake = at != NO_ROUND && at - check < 0 ? at : check;
    return wake - ticker.getAsLong();
  }

  /** Runs a round when one is due, and says whether one ran; for tests in virtual time. */
  boolean roundIfDue() {
    if (untilRound() > 0) {
      return false;
    }
    round();
    return true;
  }

  /** The next planned round ({@link System#nanoTime} scale), or empty when none is; for tests. */
  OptionalLong plannedRound() {
    long at = roundAt.get();
    return at == NO_ROUND ? OptionalLong.empty() : OptionalLong.of(at);
  }

  /** One round of the sync thread, and the plan for the next one. */
  private void round() {
    long now = ticker.getAsLong();
    // Claimed before the round reads the segment: a write from here on lowers it again, and a
    // write before it is in what the round reads.
    roundAt.set(NO_ROUND);
    lastRound = now;
    boolean synced = syncOnce();
    long written = writtenSeq;
    long syncEvery = settings.syncEvery().toNanos();
    if (synced) {
      // More may follow what needed an fsync (or a failed fsync is tried again): look again.
      lower(now + syncEvery);
    } else if (written != seenSeq) {
      // Lines keep coming, on the read grid's ticks: the next round is planned for a sync
      // interval after the next write is due, less a quarter of it for the grid's jitter, so
      // that one round a write, not two, keeps the bound. A write that comes earlier than that
      // lowers the plan to its own deadline and wakes the thread; one that comes later finds it
      // idle and wakes it.
      long planned = nextWriteGuess + syncEvery - syncEvery / 4;
      if (planned - now > 0) {
        lower(planned);
      }
    }
    seenSeq = written;
  }

  /**
   * After a write, on the event loop: makes sure a round of the sync thread comes within a sync
   * interval, waking the thread only when its planned round would come later, and notes when the
   * next write may come.
   */
  private void afterWrite() {
    long now = ticker.getAsLong();
    long gap = now - lastWriteNanos;
    // Several nodes read on the same tick write one after the other: the gap is the tick's.
    if (gap >= SAME_TICK.toNanos()) {
      writeGapNanos = gap;
    }
    lastWriteNanos = now;
    nextWriteGuess = now + writeGapNanos;
    if (lower(now + settings.syncEvery().toNanos())) {
      LockSupport.unpark(syncer);
    }
  }

  /** Moves the next round to {@code at} if it was planned later; true when it did. */
  private boolean lower(long at) {
    while (true) {
      long planned = roundAt.get();
      if (planned != NO_ROUND && planned - at <= 0) {
        return false;
      }
      if (roundAt.compareAndSet(planned, at)) {
        return true;
      }
    }
  }

  /**
   * One round of the sync thread: fsync and close rotated segments, fsync the current one when it
   * grew by lines the writer has not stored, fsync the directory after a rotation, and watch the
   * free space. Package-private so tests drive it without waiting.
   *
   * @return whether there was anything to fsync
   */
  boolean syncOnce() {
    return sync(false);
  }

  /** {@link #syncOnce}; with {@code everything}, lines the database holds are fsync'd too. */
  private boolean sync(boolean everything) {
    boolean synced = false;
    try {
      JournalSegment segment = current;
      FileChannel channel = segment == null ? null : segment.channel;
      if (channel != null && segment.size != segment.syncedSize) {
        long size = segment.size;
        // Read after size: the last line of those bytes or a later one (writeStaging).
        long last = segment.lastSeq;
        // When every line in the unsynced bytes is in the database, a power loss may cut them
        // from this file: the next start replays from the checkpoint what is left of them, which
        // the database has already. The header is fsync'd once, so the segment stays readable.
        boolean inDatabase =
            !everything && segment.syncedSize >= JournalSegment.HEADER_BYTES && last <= storedSeq;
        if (!inDatabase) {
          synced = true;
          channel.force(false);
          fsyncs.increment();
        }
        segment.syncedSize = size;
      }
      // After the current segment: one rotated while this round read it is closed now, not a
      // round later.
      for (FileChannel rotated = toClose.poll(); rotated != null; rotated = toClose.poll()) {
        synced = true;
        try (FileChannel old = rotated) {
          old.force(false);
          fsyncs.increment();
        }
      }
      if (directoryDirty.getAndSet(false)) {
        synced = true;
        JournalCheckpoint.forceDirectory(settings.dir());
      }
    } catch (IOException | RuntimeException e) {
      synced = true; // try again at the sync interval, not the idle one
      // The kernel may have dropped the pages it could not write (PostgreSQL's fsync lesson of
      // 2018): the lines stay in the page cache for the writer, only a power loss could take them.
      syncErrors.increment();
      // Reported until the checkpoint passes what was written by now: a later fsync on the same
      // file may succeed although the pages of the failed one are gone.
      syncFailedAt = writtenSeq;
      if (syncProblem == null) {
        syncProblem = "journal fsync failing since " + clock.instant() + ": " + e;
        log.error("journal: fsync of {} failed: {}", settings.dir(), e.toString());
      }
    }
    checkFreeSpace();
    return synced;
  }

  private void checkFreeSpace() {
    long free = freeBytes();
    if (free < 0) {
      return;
    }
    if (free < settings.minFreeBytes() && pausedForDisk.compareAndSet(false, true)) {
      log.warn(
          "journal: only {} bytes free on the file system of {} (reserve {}): pausing reading from"
              + " the nodes",
          free,
          settings.dir(),
          settings.minFreeBytes());
      listener.pause(DISK_FREE);
    } else if (free >= settings.minFreeBytes() + settings.segmentBytes()
        && pausedForDisk.compareAndSet(true, false)) {
      log.info("journal: {} bytes free again: reading from the nodes again", free);
      listener.resume(DISK_FREE);
    }
  }

  /** What is wrong with the journal, one sentence, or null. */
  public String problem() {
    String write = writeProblem;
    if (write != null) {
      return write;
    }
    if (pausedForSize.get()) {
      return "journal full ("
          + bytes.get()
          + " of "
          + settings.maxBytes()
          + " bytes): reading paused until the database catches up";
    }
    if (pausedForDisk.get()) {
      return "disk almost full under " + settings.dir() + ": reading paused";
    }
    return syncProblem;
  }

  /** Bytes of segment files on disk. */
  public long bytes() {
    return bytes.get();
  }

  public int segments() {
    return segments.size();
  }

  /** Lines written by this run. */
  public long appended() {
    return appended.sum();
  }

  /** Highest sequence written. */
  public long writtenSeq() {
    return writtenSeq;
  }

  /** The segment being written; for tests. */
  JournalSegment currentSegment() {
    return current;
  }

  public long checkpointSeq() {
    return checkpointSeq;
  }

  /** The highest line known to be durable in the database ({@link #stored}). */
  public long storedSeq() {
    return storedSeq;
  }

  /** Bytes found damaged at open (a torn tail, or corruption), not replayed. */
  public long tornBytes() {
    return tornBytesAtOpen;
  }

  public long writeErrors(boolean noSpace) {
    return (noSpace ? writeErrorsNoSpace : writeErrorsOther).sum();
  }

  public long syncErrors() {
    return syncErrors.sum();
  }

  /**
   * fsyncs of segment files: rounds that found lines not yet stored or a new header, rotated
   * segments, and the stop's.
   */
  public long fsyncs() {
    return fsyncs.sum();
  }

  public boolean paused(String reason) {
    return switch (reason) {
      case MAX_SIZE -> pausedForSize.get();
      case DISK_FREE -> pausedForDisk.get();
      case WRITE_FAILED -> writeProblem != null;
      default -> false;
    };
  }

  /**
   * Stops the sync thread and fsyncs and closes the current segment. Call after the event loop has
   * stopped; lines still appended and not flushed are tried once more.
   */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(syncer);
    try {
      syncer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!pending.isEmpty()) {
      // Lines whose write failed (a full disk) and were never passed on; the event loop that owns
      // them has stopped. A node with history sends them again in its backfill.
      log.warn("journal: {} lines could not be written before the stop", pending.size());
    }
    // Everything, stored lines too: one fsync a stop, so that a power loss after the next start
    // cannot cut this segment, which would then read as damage in an older segment.
    sync(true);
    try {
      checkpointFile.close();
    } catch (IOException e) {
      log.warn("journal: closing the checkpoint in {} failed: {}", settings.dir(), e.toString());
    }
    JournalSegment segment = current;
    try {
      if (segment != null && segment.channel != null) {
        segment.channel.close();
      }
    } catch (IOException e) {
      log.warn("journal: closing {} failed: {}", segment.path, e.toString());
    }
    try {
      if (directoryLock != null) {
        directoryLock.close();
      }
    } catch (IOException e) {
      log.warn("journal: releasing the lock of {} failed: {}", settings.dir(), e.toString());
    }
    log.info(
        "journal: closed at sequence {}, checkpoint {}, {} bytes in {} segment(s)",
        writtenSeq,
        checkpointSeq,
        bytes.get(),
        segments.size());
  }

  @Override
  public String toString() {
    return "journal " + settings.dir();
  }
}
