package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dxscraper.scraper.store.RowQueue.Queued;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * The retry loop against a database that is not there (a port nobody listens on: every connect is
 * refused at once), with the waits recorded instead of slept.
 */
class BatchStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-04T18:00:00Z");

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger writerLog = (Logger) LoggerFactory.getLogger(SpotWriter.class);
  private final WriterStats stats = new WriterStats();
  private BatchStore store;

  @BeforeEach
  void storeOnADeadPort() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PGSimpleDataSource dead = new PGSimpleDataSource();
    dead.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/nothing");
    dead.setConnectTimeout(2);
    store =
        new BatchStore(
            DSL.using(dead, SQLDialect.POSTGRES),
            InstantSource.fixed(T0),
            new SplittableRandom(7),
            new SpotWriter.Listener() {},
            stats,
            null);
    logs.start();
    writerLog.setLevel(Level.DEBUG);
    writerLog.addAppender(logs);
  }

  @AfterEach
  void detach() {
    writerLog.detachAppender(logs);
    writerLog.setLevel(null);
  }

  /** Lets {@code attempts} attempts fail, recording each pause, then expires. */
  private static final class CountingStop implements BatchStore.Stop {
    final List<Duration> pauses = new ArrayList<>();
    private final int attempts;

    CountingStop(int attempts) {
      this.attempts = attempts;
    }

    @Override
    public boolean expired() {
      return pauses.size() >= attempts - 1;
    }

    @Override
    public void pause(Duration pause) {
      pauses.add(pause);
    }
  }

  private static List<Queued> batch(int rows) {
    List<Queued> batch = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      batch.add(new Queued(RowQueueTest.spot(i, T0), i + 1));
    }
    return batch;
  }

  @Test
  void sortedKeyHalvesShareAKeyOnlyWhenOneValueIsInBoth() {
    long[] none = {};
    long[] some = {Long.MIN_VALUE, -3, 0, 5, 9};

    assertThat(BatchStore.shareAKey(none, some)).isFalse();
    assertThat(BatchStore.shareAKey(some, none)).isFalse();
    assertThat(BatchStore.shareAKey(some, new long[] {-2, 1, 4, 10, Long.MAX_VALUE})).isFalse();
    assertThat(BatchStore.shareAKey(some, new long[] {-2, 1, 9})).isTrue();
    assertThat(BatchStore.shareAKey(new long[] {Long.MIN_VALUE}, some)).isTrue();
    assertThat(BatchStore.shareAKey(some, some)).isTrue();
  }

  @Test
  void retriesWithGrowingCappedPausesAndLogsTheOutageOnce() throws InterruptedException {
    CountingStop stop = new CountingStop(9);

    BatchStore.Outcome outcome = store.store(batch(3), stop, 3);

    assertThat(outcome).isEqualTo(BatchStore.Outcome.NOT_STORED);
    assertThat(stats.failedAttempts()).isEqualTo(9);
    assertThat(stop.pauses).hasSize(8);
    for (int i = 0; i < stop.pauses.size(); i++) {
      // Full jitter: anywhere up to the attempt's ceiling, never below the floor.
      assertThat(stop.pauses.get(i))
          .isLessThanOrEqualTo(BatchStore.RETRY.ceiling(i + 1))
          .isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }
    assertThat(BatchStore.RETRY.ceiling(8)).isEqualTo(Duration.ofSeconds(30));
    List<ILoggingEvent> warnings =
        logs.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getFormattedMessage())
        .contains("database writes fail", "keeping 3 rows", "08001")
        .doesNotContainIgnoringCase("insert into");
    assertThat(store.failingSince()).isEqualTo(T0);
    assertThat(store.lastError()).hasSizeLessThan(260).doesNotContainIgnoringCase("insert");
    assertThat(store.writeStartedAt()).isNull();
  }

  @Test
  void anExpiredStopEndsAfterOneAttemptWithoutWaiting() throws InterruptedException {
    CountingStop stop = new CountingStop(1);

    assertThat(store.store(batch(1), stop, 0)).isEqualTo(BatchStore.Outcome.NOT_STORED);
    assertThat(stop.pauses).isEmpty();
    assertThat(stats.failedAttempts()).isEqualTo(1);
  }
}
