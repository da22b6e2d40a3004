package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.dxscraper.scraper.store.RowQueue.Queued;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.MigratedDatabase;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A batch holding a row the database refuses: the batch's statement fails as a whole, and the store
 * goes row by row, skipping and counting only that row.
 */
class BatchStoreIT {
  private static final BatchStore.Stop NEVER =
      new BatchStore.Stop() {
        @Override
        public boolean expired() {
          return false;
        }

        @Override
        public void pause(Duration pause) {
          throw new AssertionError("no retry expected, asked to wait " + pause);
        }
      };

  private MigratedDatabase database;
  private DSLContext dsl;
  private final WriterStats stats = new WriterStats();
  private final List<String> storedCalls = new ArrayList<>();
  private final List<Integer> committedBatches = new ArrayList<>();
  private BatchStore store;

  @BeforeEach
  void open() {
    database = TestPostgres.migratedDatabase();
    dsl = database.database().dsl();
    store =
        new BatchStore(
            dsl,
            InstantSource.system(),
            new SplittableRandom(1),
            new SpotWriter.Listener() {
              @Override
              public void spotStored(String node, String band, String mode, boolean backfilled) {
                storedCalls.add(node + " " + band + " " + mode + " " + backfilled);
              }

              @Override
              public void batchCommitted(Duration took, int rows) {
                committedBatches.add(rows);
              }
            },
            stats,
            "test-daemon");
  }

  @AfterEach
  void close() {
    database.close();
  }

  private int spotPartitions() {
    return dsl.fetchSingle("select count(*) from pg_inherits where inhparent = 'spot'::regclass")
        .get(0, Integer.class);
  }

  private static List<Queued> batch(SpotRow... rows) {
    List<Queued> batch = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      batch.add(new Queued(rows[i], i + 1));
    }
    return batch;
  }

  @Test
  void aRowTheDatabaseRefusesIsSkippedAloneAndTheRestAreStored() throws InterruptedException {
    store.store(batch(RowInsertsIT.spot("K0OLD", "", "20m", "stated")), NEVER, 0);
    storedCalls.clear();

    BatchStore.Outcome outcome =
        store.store(
            batch(
                RowInsertsIT.spot("K1ABC", "", "20m", "stated"),
                RowInsertsIT.spot("K2ABC", "", "20m", "guessed"), // check constraint
                RowInsertsIT.spot("K0OLD", "", "20m", "stated"), // stored before
                RowInsertsIT.spot("K3ABC", "", "toolongband", "stated"), // varchar(8)
                RowInsertsIT.spot("K4ABC", "", "40m", null)),
            NEVER,
            0);

    assertThat(outcome).isEqualTo(BatchStore.Outcome.STORED);
    assertThat(dsl.select(SPOT.DX_CALL).from(SPOT).orderBy(SPOT.DX_CALL).fetch(SPOT.DX_CALL))
        .containsExactly("K0OLD", "K1ABC", "K4ABC");
    assertThat(stats.rejected()).isEqualTo(2);
    assertThat(stats.spotsStored()).isEqualTo(3);
    assertThat(stats.duplicates()).isEqualTo(1);
    assertThat(stats.failedAttempts()).isZero();
    assertThat(storedCalls).containsExactly("node-\u00e4 20m CW true", "node-\u00e4 40m CW true");
  }

  @Test
  void aBatchMeetingSpotsStoredBeforeItsStartStoresTheRestByInsertAndCountsThem()
      throws InterruptedException {
    store.store(batch(RowInsertsIT.spot("K0OLD", "", "20m", "stated")), NEVER, 0);
    storedCalls.clear();
    // A restart's replay: a new store, whose dedup window has not seen what is stored.
    BatchStore replay =
        new BatchStore(
            dsl,
            InstantSource.system(),
            new SplittableRandom(1),
            new SpotWriter.Listener() {
              @Override
              public void spotStored(String node, String band, String mode, boolean backfilled) {
                storedCalls.add(node + " " + band + " " + mode + " " + backfilled);
              }
            },
            stats,
            "test-daemon");

    BatchStore.Outcome outcome =
        replay.store(
            batch(
                RowInsertsIT.spot("K0OLD", "", "20m", "stated"),
                RowInsertsIT.spot("K1NEW", "", "40m", "stated")),
            NEVER,
            0);
    // The next batch inserts too (INSERT_AFTER_DUPLICATE): a replay brings many such batches.
    BatchStore.Outcome next =
        replay.store(
            batch(
                RowInsertsIT.spot("K0OLD", "", "20m", "stated"),
                RowInsertsIT.spot("K2NEW", "", "15m", "stated")),
            NEVER,
            0);

    assertThat(outcome).isEqualTo(BatchStore.Outcome.STORED);
    assertThat(next).isEqualTo(BatchStore.Outcome.STORED);
    assertThat(dsl.select(SPOT.DX_CALL).from(SPOT).orderBy(SPOT.DX_CALL).fetch(SPOT.DX_CALL))
        .containsExactly("K0OLD", "K1NEW", "K2NEW");
    assertThat(stats.spotsStored()).isEqualTo(3);
    assertThat(stats.duplicates()).isEqualTo(2);
    assertThat(stats.failedAttempts()).isZero();
    assertThat(storedCalls).containsExactly("node-\u00e4 40m CW true", "node-\u00e4 15m CW true");
  }

  @Test
  void twoCopiesOfASpotInOneBatchAreOneRowAndTheCopyThatArrivedFirstIsIt()
      throws InterruptedException {
    // Two nodes relaying one spot a moment apart, with other spots between and around them; the
    // batch is sorted by the unique key before its copies are told apart.
    BatchStore.Outcome outcome =
        store.store(
            batch(
                RowInsertsIT.spot("K2ABC", "", "20m", "stated"),
                RowInsertsIT.spot("K1ABC", "first", "20m", "stated"),
                RowInsertsIT.spot("K0ABC", "", "20m", "stated"),
                RowInsertsIT.spot("K1ABC", "second", "20m", "stated"),
                RowInsertsIT.spot("K1ABC", "third", "20m", "stated")),
            NEVER,
            0);

    assertThat(outcome).isEqualTo(BatchStore.Outcome.STORED);
    assertThat(dsl.select(SPOT.DX_CALL, SPOT.COMMENT).from(SPOT).orderBy(SPOT.DX_CALL).fetch())
        .extracting(r -> r.value1() + " " + r.value2())
        .containsExactly("K0ABC ", "K1ABC first", "K2ABC ");
    assertThat(stats.spotsStored()).isEqualTo(3);
    assertThat(stats.duplicates()).isEqualTo(2);
    assertThat(committedBatches).containsExactly(3);
  }

  @Test
  void copiesOfOneMinuteWithSecondsAreToldApartAsTheDedupWindowWouldAndTheFirstIsKept()
      throws InterruptedException {
    // No parsed spot carries seconds (Spot refuses them), but a row may: the batch's order and its
    // duplicate check must then agree with the dedup window's key, which is by the minute.
    Instant minute = RowInsertsIT.spot("K1ABC", "", "20m", "stated").spottedAt();
    BatchStore.Outcome outcome =
        store.store(
            batch(
                spottedAt(
                    RowInsertsIT.spot("K1ABC", "first", "20m", "stated"), minute.plusSeconds(10)),
                spottedAt(RowInsertsIT.spot("K2ABC", "", "20m", "stated"), minute.plusSeconds(15)),
                spottedAt(
                    RowInsertsIT.spot("K1ABC", "second", "20m", "stated"), minute.plusSeconds(5))),
            NEVER,
            0);

    assertThat(outcome).isEqualTo(BatchStore.Outcome.STORED);
    assertThat(dsl.select(SPOT.DX_CALL, SPOT.COMMENT).from(SPOT).orderBy(SPOT.DX_CALL).fetch())
        .extracting(r -> r.value1() + " " + r.value2())
        .containsExactly("K1ABC first", "K2ABC ");
    assertThat(stats.duplicates()).isEqualTo(1);
  }

  private static SpotRow spottedAt(SpotRow s, Instant spotted) {
    return RowInsertsIT.variant(s, spotted, s.dxCall(), s.backfilled());
  }

  @Test
  void aLaterBatchHoldingASpotOfAnEarlierOneStillBeingStoredWaitsAndTheFirstCopyWins()
      throws Exception {
    // Two writer threads: the journal's copy of a spot gathered first, the node's history of it
    // (backfilled) in the next batch, which its thread gets to the database first.
    BatchStore.Shared shared = new BatchStore.Shared();
    BatchStore first = sharing(shared);
    BatchStore second = sharing(shared);
    SpotRow live = RowInsertsIT.spot("K1ABC", "live", "20m", "stated");
    SpotRow history = RowInsertsIT.spot("K1ABC", "history", "20m", "stated");
    List<Queued> earlier = batch(RowInsertsIT.variant(live, live.dxCall(), false));
    List<Queued> later = batch(history, RowInsertsIT.spot("K2ABC", "", "20m", "stated"));
    BatchStore.Ticket earlierTicket = first.enter(earlier);
    BatchStore.Ticket laterTicket = second.enter(later);
    Thread laterThread =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    second.store(later, laterTicket, NEVER, 0);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    Await.until(
        () -> "the later batch waiting or done, now " + laterThread.getState(),
        () ->
            laterThread.getState() == Thread.State.WAITING
                || laterThread.getState() == Thread.State.TERMINATED,
        Duration.ofSeconds(30));
    assertThat(laterThread.getState()).isEqualTo(Thread.State.WAITING);
    assertThat(dsl.fetchCount(SPOT)).isZero();

    first.store(earlier, earlierTicket, NEVER, 0);
    laterThread.join(Duration.ofSeconds(30));

    assertThat(laterThread.isAlive()).isFalse();
    assertThat(dsl.select(SPOT.COMMENT, SPOT.BACKFILLED).from(SPOT).orderBy(SPOT.DX_CALL).fetch())
        .extracting(r -> r.value1() + " " + r.value2())
        .containsExactly("live false", " true");
    assertThat(stats.spotsStored()).isEqualTo(2);
    assertThat(stats.duplicates()).isEqualTo(1);
  }

  @Test
  void batchesWithoutACommonSpotDoNotWaitForEachOther() throws Exception {
    BatchStore.Shared shared = new BatchStore.Shared();
    BatchStore first = sharing(shared);
    BatchStore second = sharing(shared);
    List<Queued> earlier = batch(RowInsertsIT.spot("K1ABC", "", "20m", "stated"));
    List<Queued> later = batch(RowInsertsIT.spot("K2ABC", "", "20m", "stated"));
    BatchStore.Ticket earlierTicket = first.enter(earlier);

    // The earlier batch is not stored yet; the later one must not wait for it.
    second.store(later, second.enter(later), NEVER, 0);
    first.store(earlier, earlierTicket, NEVER, 0);

    assertThat(stats.spotsStored()).isEqualTo(2);
  }

  @Test
  void theOutageLastsWhileOneThreadsBatchFailsThoughTheOtherCommits() throws Exception {
    BatchStore.Shared shared = new BatchStore.Shared();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PGSimpleDataSource dead = new PGSimpleDataSource();
    dead.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/nothing");
    BatchStore failing = sharing(shared, DSL.using(dead, SQLDialect.POSTGRES));
    BatchStore.Stop onePause =
        new BatchStore.Stop() {
          private int pauses;

          @Override
          public boolean expired() {
            return pauses > 0;
          }

          @Override
          public void pause(Duration pause) {
            pauses++;
          }
        };
    assertThat(failing.store(batch(RowInsertsIT.spot("K1ABC", "", "20m", "stated")), onePause, 0))
        .isEqualTo(BatchStore.Outcome.NOT_STORED);
    Instant since = shared.failingSince();
    assertThat(since).isNotNull();

    // The other thread's batch commits: its store never failed, so the outage is not over; but
    // the database works, so the failing batch's pause ends now.
    AtomicInteger retryNow = new AtomicInteger();
    BatchStore.Stop recording =
        new BatchStore.Stop() {
          @Override
          public boolean expired() {
            return false;
          }

          @Override
          public void pause(Duration pause) {
            throw new AssertionError("no retry expected, asked to wait " + pause);
          }

          @Override
          public void retryNow() {
            retryNow.incrementAndGet();
          }
        };
    assertThat(
            sharing(shared)
                .store(batch(RowInsertsIT.spot("K2ABC", "", "20m", "stated")), recording, 0))
        .isEqualTo(BatchStore.Outcome.STORED);

    assertThat(shared.failingSince()).isEqualTo(since);
    assertThat(retryNow).hasValue(1);
  }

  private BatchStore sharing(BatchStore.Shared shared) {
    return sharing(shared, dsl);
  }

  private BatchStore sharing(BatchStore.Shared shared, DSLContext dsl) {
    return new BatchStore(
        dsl,
        InstantSource.system(),
        new SplittableRandom(1),
        new SpotWriter.Listener() {},
        stats,
        "test-daemon",
        shared);
  }

  @Test
  void aRowWhoseWeekHasNoPartitionIsStoredInOneMadeForItNeverSkipped() throws InterruptedException {
    // Far beyond the partitions made ahead: a node's clock off by months, or a daemon whose
    // maintenance has not run for that long.
    Instant later = Instant.now().plus(Duration.ofDays(200));
    int before = spotPartitions();

    BatchStore.Outcome outcome =
        store.store(batch(RowQueueTest.spot(1, later), RowQueueTest.spot(2, later)), NEVER, 0);

    assertThat(outcome).isEqualTo(BatchStore.Outcome.STORED);
    assertThat(stats.spotsStored()).isEqualTo(2);
    assertThat(stats.rejected()).isZero();
    assertThat(stats.failedAttempts()).isZero();
    assertThat(spotPartitions()).isEqualTo(before + 1);
    assertThat(dsl.select(SPOT.DAEMON).from(SPOT).fetch(SPOT.DAEMON))
        .containsExactly("test-daemon", "test-daemon");
  }
}
