package org.dxscraper.scraper.store;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.dxscraper.scraper.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  private static final Instant T0 = Instant.parse("2026-12-04T18:00:00.123456Z");
  private static final long SEGMENT = 64 * 1024;

  @TempDir Path dir;

  private final List<String> events = new ArrayList<>();
  private final List<Journal> opened = new ArrayList<>();

  private final Journal.Listener listener =
      new Journal.Listener() {
        @Override
        public void pause(String reason) {
          events.add("pause " + reason);
        }

        @Override
        public void resume(String reason) {
          events.add("resume " + reason);
        }
      };

  @AfterEach
  void closeAll() {
    opened.forEach(Journal::close);
  }

  private Journal open() throws IOException {
    return open(new Journal.Settings(dir, SEGMENT, 8 * SEGMENT, Duration.ofSeconds(60), 0));
  }

  private Journal open(Journal.Settings settings) throws IOException {
    Journal journal = Journal.open(settings, InstantSource.fixed(T0), listener);
    opened.add(journal);
    return journal;
  }

  private static List<JournalRecord> readAll(Journal journal, long after) throws IOException {
    List<JournalRecord> records = new ArrayList<>();
    try (Journal.Reader reader = journal.reader(after)) {
      for (JournalRecord r; (r = reader.next()) != null; ) {
        records.add(r);
      }
    }
    return records;
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  private static String line(int i) {
    return "DX de K1ABC:     14025.0  DL" + i + "XYZ       CW 599                         1800Z";
  }

  @Test
  void keepsNodeTimeAndTextExactly() throws IOException {
    Journal journal = open();
    String awkward = "Grüße café \u0000 \u00ff\u00fd end";
    long first = journal.append("node-ä", awkward, T0);
    long second = journal.append("rbn", "", T0.plusNanos(1_999));
    assertThat(journal.flush()).hasSize(2);

    assertThat(readAll(journal, 0))
        .containsExactly(
            new JournalRecord(first, "node-ä", T0, awkward),
            // Microseconds are kept; the nanoseconds below them are not.
            new JournalRecord(second, "rbn", T0.plusNanos(1_000), ""));
    assertThat(first).isEqualTo(1);
    assertThat(second).isEqualTo(2);
  }

  @Test
  void writesNothingUntilFlushed() throws IOException {
    Journal journal = open();
    journal.append("n", line(1), T0);
    assertThat(readAll(journal, 0)).isEmpty();
    assertThat(journal.pendingLines()).isEqualTo(1);
    journal.flush();
    assertThat(readAll(journal, 0)).hasSize(1);
    assertThat(journal.pendingLines()).isZero();
  }

  @Test
  void rotatesSegmentsAndReadsAcrossThem() throws IOException {
    Journal journal = open();
    for (int i = 0; i < 3000; i++) {
      journal.append("n", line(i), T0);
      if (i % 16 == 15) {
        journal.flush();
      }
    }
    journal.flush();
    journal.syncOnce(); // closes the rotated segments

    assertThat(segmentFiles()).hasSizeGreaterThan(3);
    for (Path file : segmentFiles()) {
      assertThat(Files.size(file)).isLessThanOrEqualTo(SEGMENT);
    }
    List<JournalRecord> records = readAll(journal, 0);
    assertThat(records).hasSize(3000);
    assertThat(records.get(2999).line()).isEqualTo(line(2999));
    assertThat(readAll(journal, 2990)).extracting(JournalRecord::seq).startsWith(2991L).hasSize(10);
  }

  @Test
  void replaysAfterTheCheckpointAndNeverReusesSequences() throws IOException {
    Journal first = open();
    for (int i = 0; i < 100; i++) {
      first.append("n", line(i), T0);
    }
    first.flush();
    first.checkpoint(60);
    first.close();
    opened.remove(first);

    Journal second = open();
    assertThat(second.checkpointSeq()).isEqualTo(60);
    assertThat(second.firstSeqOfRun()).isEqualTo(101);
    List<JournalRecord> replay = readAll(second, second.checkpointSeq());
    assertThat(replay).extracting(JournalRecord::seq).containsExactlyElementsOf(range(61, 100));
    assertThat(second.append("n", "next", T0)).isEqualTo(101);
  }

  @Test
  void sequencesStayAboveACheckpointWhoseSegmentsAreGone() throws IOException {
    Journal first = open();
    for (int i = 0; i < 10; i++) {
      first.append("n", line(i), T0);
    }
    first.flush();
    first.checkpoint(10);
    first.close();
    opened.remove(first);
    // Every segment covered by the checkpoint was deleted; numbering still goes on from it.
    Journal second = open();
    assertThat(second.firstSeqOfRun()).isEqualTo(11);
  }

  @Test
  void deletesASegmentOnlyOnceTheCheckpointCoversItsLastLine() throws IOException {
    Journal journal = open();
    for (int i = 0; i < 2000; i++) {
      journal.append("n", line(i), T0);
      journal.flush();
    }
    List<Path> before = segmentFiles();
    assertThat(before).hasSizeGreaterThanOrEqualTo(3);
    long lastOfFirst = lastSeqOf(journal, 0);

    journal.checkpoint(lastOfFirst - 1);
    assertThat(segmentFiles()).containsExactlyElementsOf(before);

    journal.checkpoint(lastOfFirst);
    assertThat(segmentFiles()).containsExactlyElementsOf(before.subList(1, before.size()));
    assertThat(readAll(journal, lastOfFirst))
        .first()
        .extracting(JournalRecord::seq)
        .isEqualTo(lastOfFirst + 1);
  }

  private long lastSeqOf(Journal journal, int segment) throws IOException {
    // The first segment ends where the second begins.
    List<JournalRecord> all = readAll(journal, 0);
    long bytes = JournalSegment.HEADER_BYTES;
    for (JournalRecord r : all) {
      long frame =
          JournalSegment.FRAME_OVERHEAD
              + JournalSegment.BODY_FIXED
              + r.node().length()
              + r.line().length();
      if (bytes + frame > SEGMENT) {
        return r.seq() - 1;
      }
      bytes += frame;
    }
    throw new AssertionError("one segment only");
  }

  @Test
  void neverCheckpointsPastWhatIsWritten() throws IOException {
    Journal journal = open();
    journal.append("n", line(1), T0);
    journal.flush();
    journal.append("n", line(2), T0); // appended, not written
    journal.checkpoint(50);
    assertThat(journal.checkpointSeq()).isEqualTo(1);
    assertThat(JournalCheckpoint.read(dir)).isEqualTo(1);
  }

  @Test
  void ignoresALeftoverTemporaryCheckpointAndReplaysAllAfterAnUnreadableOne() throws IOException {
    Journal first = open();
    for (int i = 0; i < 5; i++) {
      first.append("n", line(i), T0);
    }
    first.flush();
    first.checkpoint(3);
    first.close();
    opened.remove(first);
    Files.writeString(dir.resolve(JournalCheckpoint.TEMP), "half-written");

    Journal second = open();
    assertThat(second.checkpointSeq()).isEqualTo(3);
    assertThat(dir.resolve(JournalCheckpoint.TEMP)).doesNotExist();
    second.close();
    opened.remove(second);

    Files.writeString(dir.resolve(JournalCheckpoint.FILE), "garbage");
    Journal third = open();
    assertThat(third.checkpointSeq()).isZero();
    // Without a checkpoint to trust, everything still on disk replays (inserts are idempotent).
    assertThat(readAll(third, 0))
        .extracting(JournalRecord::seq)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  private static void write(Journal journal, int from, int count) {
    for (int i = from; i < from + count; i++) {
      journal.append("sim", line(i), T0);
    }
    assertThat(journal.flush()).hasSize(count);
  }

  @Test
  void fsyncsOnlyLinesTheDatabaseDoesNotHoldYet() throws IOException {
    Journal journal = open();
    journal.syncOnce(); // the new segment's header
    assertThat(journal.fsyncs()).isEqualTo(1);
    write(journal, 1, 3);
    journal.stored(journal.writtenSeq());

    assertThat(journal.syncOnce()).isFalse();
    assertThat(journal.fsyncs()).isEqualTo(1);

    write(journal, 4, 2);
    journal.stored(journal.writtenSeq() - 1); // the last line is not stored yet
    assertThat(journal.syncOnce()).isTrue();
    assertThat(journal.fsyncs()).isEqualTo(2);
    assertThat(journal.syncOnce()).isFalse(); // nothing written since
    assertThat(journal.fsyncs()).isEqualTo(2);
  }

  @Test
  void theSyncThreadWakesForAWriteAndFsyncsWhatIsNotStored() throws IOException {
    Journal journal =
        open(new Journal.Settings(dir, SEGMENT, 8 * SEGMENT, Duration.ofMillis(20), 0));
    // Shorter than the idle wait (10 s): only the write's wake-up makes the second fsync in time.
    Duration deadline = Journal.IDLE_CHECK.dividedBy(2);
    Await.until(() -> "the header fsync'd", () -> journal.fsyncs() == 1, deadline);

    write(journal, 1, 1);

    Await.until(() -> "the line fsync'd", () -> journal.fsyncs() == 2, deadline);
  }

  private Journal openInVirtualTime(AtomicLong nanos, Duration syncEvery) throws IOException {
    Journal journal =
        Journal.openWithoutSyncThread(
            new Journal.Settings(dir, 64 * SEGMENT, 256 * SEGMENT, syncEvery, 0),
            InstantSource.fixed(T0),
            listener,
            nanos::get);
    opened.add(journal);
    return journal;
  }

  /** Moves virtual time on by a millisecond at a time, running each round that is due. */
  private static int runUntil(Journal journal, AtomicLong nanos, long untilMillis) {
    int rounds = 0;
    while (nanos.get() < MILLISECONDS.toNanos(untilMillis)) {
      nanos.addAndGet(MILLISECONDS.toNanos(1));
      rounds += journal.roundIfDue() ? 1 : 0;
    }
    return rounds;
  }

  @Test
  void onAReadGridTheSyncThreadNeedsOneRoundAWriteAndNoWakeUp() throws IOException {
    AtomicLong nanos = new AtomicLong();
    Journal journal = openInVirtualTime(nanos, Duration.ofMillis(100));
    assertThat(runUntil(journal, nanos, 500)).isEqualTo(2); // the header's fsync, then nothing
    assertThat(journal.plannedRound()).isEmpty();
    assertThat(journal.fsyncs()).isEqualTo(1);

    Random random = new Random(11);
    int rounds = 0;
    int plannedInTime = 0;
    for (int tick = 5; tick < 55; tick++) {
      // The read grid's 200 ms ticks, each write a few ms after its tick; stored 30 ms later.
      long writeAt = tick * 200L + random.nextInt(4);
      rounds += runUntil(journal, nanos, writeAt);
      OptionalLong planned = journal.plannedRound();
      if (planned.isPresent()
          && planned.getAsLong() <= MILLISECONDS.toNanos(writeAt + 100)
          && planned.getAsLong() >= MILLISECONDS.toNanos(writeAt + 30)) {
        plannedInTime++; // this write's own round was planned already: no wake-up
      }
      write(journal, tick * 10, 10);
      rounds += runUntil(journal, nanos, writeAt + 30);
      journal.stored(journal.writtenSeq());
    }
    rounds += runUntil(journal, nanos, 55 * 200L + 1_000);

    // The first two writes find the thread idle; from the third on, the plan was ready.
    assertThat(plannedInTime).isEqualTo(48);
    // One a write, and one more that finds the grid's next write missing.
    assertThat(rounds).isEqualTo(51);
    assertThat(journal.fsyncs()).isEqualTo(1); // every line was stored before its round
    assertThat(journal.plannedRound()).isEmpty(); // idle again after the last write
  }

  @Test
  void aWriteEarlierThanTheGridBringsItsRoundForward() throws IOException {
    AtomicLong nanos = new AtomicLong();
    Journal journal = openInVirtualTime(nanos, Duration.ofMillis(100));
    for (long writeAt : new long[] {1_000, 1_200, 1_400}) {
      runUntil(journal, nanos, writeAt);
      write(journal, (int) writeAt, 1);
      journal.stored(journal.writtenSeq());
    }
    runUntil(journal, nanos, 1_500);
    assertThat(journal.plannedRound()).hasValue(MILLISECONDS.toNanos(1_675));

    runUntil(journal, nanos, 1_520); // 80 ms before the grid's next tick
    write(journal, 2_000, 1);

    assertThat(journal.plannedRound()).hasValue(MILLISECONDS.toNanos(1_620));
    assertThat(runUntil(journal, nanos, 1_620)).isEqualTo(1);
    assertThat(journal.fsyncs()).isEqualTo(2); // the header and this line, not stored in time
  }

  @Test
  void everyWrittenLineIsStoredOrFsyncdWithinTheSyncInterval() throws IOException {
    AtomicLong nanos = new AtomicLong();
    Journal journal = openInVirtualTime(nanos, Duration.ofMillis(100));
    Random random = new Random(5);
    // A write's lines: written at, last sequence, end in the segment, stored at (in order, as the
    // writer commits them: 5-80 ms after the write, one in ten 80-400 ms).
    record Write(long at, long seq, long end, long storeAt) {}
    List<Write> due = new ArrayList<>();
    ArrayDeque<Write> unstored = new ArrayDeque<>();
    long nextWrite = 1_000;
    long lastStoreAt = 0;
    int writes = 0;
    for (long now = 1; now <= 60_000; now++) {
      nanos.set(MILLISECONDS.toNanos(now));
      if (now == nextWrite) {
        write(journal, writes * 10, 1 + random.nextInt(5));
        writes++;
        long delay = random.nextInt(10) == 0 ? 80 + random.nextInt(320) : 5 + random.nextInt(75);
        lastStoreAt = Math.max(lastStoreAt, now + delay);
        Write w = new Write(now, journal.writtenSeq(), journal.currentSegment().size, lastStoreAt);
        due.add(w);
        unstored.add(w);
        // The read grid (with jitter), several nodes read on one tick, or a quiet spell.
        int kind = random.nextInt(10);
        nextWrite +=
            kind < 6
                ? 197 + random.nextInt(7)
                : kind < 8 ? 1 + random.nextInt(5) : 1 + random.nextInt(2_000);
      }
      while (!unstored.isEmpty() && unstored.peek().storeAt <= now) {
        journal.stored(unstored.poll().seq);
      }
      journal.roundIfDue();
      long at = now;
      for (Write w : due) {
        if (w.at + 100 <= at) {
          assertThat(w.seq <= journal.storedSeq() || journal.currentSegment().syncedSize >= w.end)
              .as("the write at %d ms, %d ms later", w.at, now - w.at)
              .isTrue();
        }
      }
      due.removeIf(w -> w.at + 100 <= at);
    }
    assertThat(writes).isGreaterThan(100);
    assertThat(journal.fsyncs()).isGreaterThan(1); // late stores needed fsyncs
  }

  @Test
  void aStopFsyncsEvenLinesTheDatabaseHolds() throws IOException {
    Journal journal = open();
    journal.syncOnce();
    write(journal, 1, 2);
    journal.stored(journal.writtenSeq());
    opened.remove(journal);

    journal.close();

    assertThat(journal.fsyncs()).isEqualTo(2);
  }

  @Test
  void aNewSegmentsHeaderIsFsyncdEvenWhenItsLinesAreStored() throws IOException {
    Journal journal = open();
    write(journal, 1, 2);
    journal.stored(journal.writtenSeq());

    assertThat(journal.syncOnce()).isTrue();
    assertThat(journal.fsyncs()).isEqualTo(1);
  }

  @Test
  void storedNeverMovesBack() throws IOException {
    Journal journal = open();
    write(journal, 1, 3);
    journal.stored(3);
    journal.stored(1);

    assertThat(journal.storedSeq()).isEqualTo(3);
  }

  @Test
  void rewritesTheCheckpointInPlaceAndCutsWhatWasThereBefore() throws IOException {
    // Something longer than a checkpoint where the file is (damage): the first write leaves 20
    // bytes that read back, not a valid head with the old tail after it.
    Files.write(dir.resolve(JournalCheckpoint.FILE), new byte[100]);
    Journal journal = open();
    assertThat(journal.checkpointSeq()).isZero();
    for (int i = 0; i < 5; i++) {
      journal.append("n", line(i), T0);
    }
    journal.flush();
    journal.checkpoint(2);
    assertThat(JournalCheckpoint.read(dir)).isEqualTo(2);
    journal.checkpoint(4);
    assertThat(JournalCheckpoint.read(dir)).isEqualTo(4);
    assertThat(Files.size(dir.resolve(JournalCheckpoint.FILE))).isEqualTo(20);
    assertThat(dir.resolve(JournalCheckpoint.TEMP)).doesNotExist();
    journal.close();
    opened.remove(journal);

    assertThat(open().checkpointSeq()).isEqualTo(4);
  }

  @Test
  void readsAnEmptyCheckpointAsNone() throws IOException {
    // A power loss after the file was created and before its first write reached the disk: no
    // checkpoint yet, not an unreadable one (which open() warns about).
    Files.write(dir.resolve(JournalCheckpoint.FILE), new byte[0]);
    assertThat(JournalCheckpoint.read(dir)).isEqualTo(JournalCheckpoint.NONE);
  }

  @Test
  void pausesAtTheMaximumSizeAndResumesTwoSegmentsBelowIt() throws IOException {
    Journal journal =
        open(new Journal.Settings(dir, SEGMENT, 4 * SEGMENT, Duration.ofSeconds(60), 0));
    int i = 0;
    while (events.isEmpty()) {
      journal.append("n", line(i++), T0);
      journal.flush();
      assertThat(i).as("lines before the pause").isLessThan(10_000);
    }
    assertThat(events).containsExactly("pause max-size");
    assertThat(journal.bytes()).isGreaterThanOrEqualTo(4 * SEGMENT);
    assertThat(journal.problem()).startsWith("journal full");

    journal.checkpoint(journal.writtenSeq() - 1);
    assertThat(events).containsExactly("pause max-size", "resume max-size");
    assertThat(journal.problem()).isNull();
  }

  @Test
  void pausesWhenTheDiskIsUnderItsReserve() throws IOException {
    Journal journal =
        open(
            new Journal.Settings(
                dir, SEGMENT, 8 * SEGMENT, Duration.ofSeconds(60), Long.MAX_VALUE));
    journal.syncOnce();
    assertThat(events).containsExactly("pause disk-free");
    assertThat(journal.paused(Journal.DISK_FREE)).isTrue();
  }

  @Test
  void rejectsSettingsThatCannotWork() {
    assertThatThrownBy(
            () -> new Journal.Settings(dir, SEGMENT, 2 * SEGMENT, Duration.ofMillis(100), 0))
        .hasMessageContaining("at least 4 segments");
    assertThatThrownBy(() -> new Journal.Settings(dir, 1000, 1 << 30, Duration.ofMillis(100), 0))
        .hasMessageContaining("at least 64 KiB");
    assertThatThrownBy(() -> new Journal.Settings(dir, SEGMENT, 8 * SEGMENT, Duration.ZERO, 0))
        .hasMessageContaining("must be positive");
  }

  @Test
  void aReaderWhoseSegmentCannotBeOpenedResumesThereLater() throws IOException {
    Journal journal = open();
    for (int i = 0; segmentFiles().size() < 4; i++) {
      journal.append("n", line(i), T0);
      journal.flush();
    }
    Path second = segmentFiles().get(1);
    Path aside = dir.resolve("aside");
    Files.move(second, aside); // the open fails once, as with EMFILE or EIO
    Journal.Reader reader = journal.reader(0);
    long last = 0;
    try {
      for (JournalRecord r; (r = reader.next()) != null; ) {
        last = r.seq();
      }
    } catch (IOException expected) {
      // the drain logs it and tries again a second later
    }
    Files.move(aside, second);

    assertThat(reader.next().seq()).isEqualTo(last + 1);
  }

  @Test
  void aCheckpointNeverDeletesTheSegmentBeingWritten() throws IOException {
    Journal journal = open();
    int i = 0;
    while (segmentFiles().size() < 2) {
      journal.append("n", line(i++), T0);
      journal.flush();
    }
    // Everything written is committed: every segment but the one being written may go.
    journal.checkpoint(journal.writtenSeq());
    assertThat(segmentFiles()).hasSize(1);
    journal.append("n", "after", T0);
    journal.flush();
    assertThat(readAll(journal, journal.checkpointSeq()))
        .extracting(JournalRecord::line)
        .containsExactly("after");
  }

  // --- torn and damaged segments ---

  private Path writeAndClose(int lines) throws IOException {
    Journal journal = open();
    for (int i = 0; i < lines; i++) {
      journal.append("n", line(i), T0);
    }
    journal.flush();
    journal.close();
    opened.remove(journal);
    List<Path> files = segmentFiles();
    return files.get(files.size() - 1);
  }

  @Test
  void replaysTheGoodPartOfASegmentCutInsideAFrame() throws IOException {
    Path segment = writeAndClose(100);
    long size = Files.size(segment);
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.setLength(size - 30);
    }
    Journal journal = open();
    assertThat(readAll(journal, 0))
        .extracting(JournalRecord::seq)
        .containsExactlyElementsOf(range(1, 99));
    assertThat(journal.tornBytes()).isPositive().isLessThan(200);
    // The next start writes to a new segment, after the last whole record.
    assertThat(journal.firstSeqOfRun()).isEqualTo(100);
  }

  @Test
  void replaysTheGoodPartOfASegmentWhoseEndIsZeros() throws IOException {
    Path segment = writeAndClose(100);
    long size = Files.size(segment);
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.seek(size - 40);
      file.write(new byte[4096]); // the rest of the page, as a power loss can leave it
    }
    Journal journal = open();
    assertThat(readAll(journal, 0))
        .extracting(JournalRecord::seq)
        .containsExactlyElementsOf(range(1, 99));
    assertThat(journal.tornBytes()).isGreaterThan(4096);
  }

  @Test
  void stopsAtGarbageAndCountsIt() throws IOException {
    Path segment = writeAndClose(20);
    Files.write(
        segment,
        "garbage that is not a frame at all".getBytes(),
        java.nio.file.StandardOpenOption.APPEND);
    Journal journal = open();
    assertThat(readAll(journal, 0)).hasSize(20);
    assertThat(journal.tornBytes()).isEqualTo(34);
  }

  @Test
  void skipsAnEmptyOrHeaderlessSegment() throws IOException {
    writeAndClose(5);
    Files.write(dir.resolve(JournalSegment.fileName(900)), new byte[0]);
    Files.write(dir.resolve(JournalSegment.fileName(901)), new byte[10]);
    Journal journal = open();
    assertThat(readAll(journal, 0)).hasSize(5);
    assertThat(journal.tornBytes()).isEqualTo(10);
    assertThat(journal.firstSeqOfRun()).isEqualTo(6);
  }

  @Test
  void aBadChecksumInAnOlderSegmentEndsThatSegmentOnly() throws IOException {
    Journal journal = open();
    for (int i = 0; i < 1200; i++) {
      journal.append("n", line(i), T0);
      journal.flush();
    }
    journal.close();
    opened.remove(journal);
    Path firstSegment = segmentFiles().get(0);
    long size = Files.size(firstSegment);
    try (RandomAccessFile file = new RandomAccessFile(firstSegment.toFile(), "rw")) {
      file.seek(size / 2);
      int b = file.read();
      file.seek(size / 2);
      file.write(b ^ 0x55);
    }
    Journal reopened = open();
    List<JournalRecord> records = readAll(reopened, 0);
    assertThat(reopened.tornBytes()).isPositive();
    // The records after the damage in the first segment are lost; the later segments are whole.
    assertThat(records).hasSizeBetween(600, 1199);
    assertThat(records.get(records.size() - 1).seq()).isEqualTo(1200);
    // In order, no repeats.
    assertThat(records).extracting(JournalRecord::seq).isSorted().doesNotHaveDuplicates();
  }

  private static List<Long> range(long from, long to) {
    List<Long> values = new ArrayList<>();
    for (long v = from; v <= to; v++) {
      values.add(v);
    }
    return values;
  }

  @Test
  void aSecondDaemonOnTheSameDirectoryIsRefusedUntilTheFirstCloses() throws IOException {
    Journal first = open();

    assertThatThrownBy(this::open)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is in use by another dx-scraper")
        .hasMessageContaining("its own --data-dir");

    first.close();
    opened.remove(first);
    assertThat(open().toString()).isEqualTo("journal " + dir);
  }
}
