package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.dxscraper.scraper.store.Partitions.Table;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.MigratedDatabase;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Partitions made ahead and dropped for retention, on a real PostgreSQL, with a fixed clock. The
 * clock stands in the past (the database refuses to drop anything from its own last day), so the
 * new database's first partition, which covers everything before next week, is dropped first: it is
 * empty, and the past weeks become free for partitions of their own.
 */
class PartitionKeeperIT {
  /** A Monday noon: the week of 2026-06-15 is current. */
  private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

  private MigratedDatabase database;
  private DSLContext dsl;

  @BeforeEach
  void open() {
    database = TestPostgres.migratedDatabase();
    dsl = database.database().dsl();
    for (Table table : Table.values()) {
      dsl.execute("drop table " + table.sqlName() + "_legacy");
    }
  }

  @AfterEach
  void close() {
    database.close();
  }

  /** The partitions of the test's months, not those V10 made around the real date. */
  private List<String> partitions(Table table) {
    return dsl.fetch(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                + " where i.inhparent = ?::regclass and c.relname between ? and ? order by 1",
            table.sqlName(),
            table.sqlName() + "_p20260101",
            table.sqlName() + "_p20261001")
        .getValues(0, String.class);
  }

  private void spotAt(String spottedAt, String call) {
    dsl.execute(
        "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call)"
            + " values (?::timestamptz, now(), 'n', 'N1SPOT', 14025, ?)",
        spottedAt,
        call);
  }

  @Test
  void theCurrentAndTheNextTwoPeriodsAreMadeAheadOnceOnly() {
    PartitionKeeper keeper = new PartitionKeeper(dsl, InstantSource.fixed(NOW), null);

    assertThat(keeper.maintain()).isTrue();
    assertThat(keeper.maintain()).isTrue();

    assertThat(partitions(Table.SPOT))
        .containsExactly("spot_p20260615", "spot_p20260622", "spot_p20260629");
    assertThat(partitions(Table.ANNOUNCEMENT))
        .containsExactly(
            "announcement_p20260601", "announcement_p20260701", "announcement_p20260801");
    assertThat(keeper.created(Table.SPOT)).isEqualTo(3);
    assertThat(keeper.created(Table.SOLAR_REPORT)).isEqualTo(3);
    assertThat(keeper.dropped(Table.SPOT)).isZero();
    // A spot in the current week goes in without further help.
    spotAt("2026-06-21 23:59:59+00", "K1NOW");
    assertThat(dsl.fetchValue("select count(*) from spot_p20260615", Long.class)).isEqualTo(1L);
  }

  @Test
  void retentionDropsExactlyTheWholePartitionsPastTheLimitAndDeletesNoRow() {
    // Weeks from 2026-04-06 to the one of NOW, two spots in each: its first and its last second.
    List<Instant> weeks =
        List.of(
            Instant.parse("2026-04-06T00:00:00Z"),
            Instant.parse("2026-04-13T00:00:00Z"),
            Instant.parse("2026-04-20T00:00:00Z"),
            Instant.parse("2026-04-27T00:00:00Z"),
            Instant.parse("2026-05-04T00:00:00Z"),
            Instant.parse("2026-05-11T00:00:00Z"),
            Instant.parse("2026-05-18T00:00:00Z"),
            Instant.parse("2026-05-25T00:00:00Z"),
            Instant.parse("2026-06-01T00:00:00Z"),
            Instant.parse("2026-06-08T00:00:00Z"),
            Instant.parse("2026-06-15T00:00:00Z"));
    assertThat(Partitions.create(dsl, Table.SPOT, weeks)).isEqualTo(weeks.size());
    for (Instant week : weeks) {
      spotAt(week.toString(), "K1FIRST");
      spotAt(week.plus(Duration.ofDays(7)).minusSeconds(1).toString(), "K1LAST");
    }
    PartitionKeeper keeper =
        new PartitionKeeper(dsl, InstantSource.fixed(NOW), Duration.ofDays(30));

    assertThat(keeper.maintain()).isTrue();

    // The limit is 2026-05-16 12:00: the week of 05-04 ends 05-11, before it, and goes; the week
    // of 05-11 ends 05-18, after it, and stays whole, its rows from before the limit too.
    assertThat(partitions(Table.SPOT))
        .containsExactly(
            "spot_p20260511",
            "spot_p20260518",
            "spot_p20260525",
            "spot_p20260601",
            "spot_p20260608",
            "spot_p20260615",
            "spot_p20260622",
            "spot_p20260629");
    assertThat(keeper.dropped(Table.SPOT)).isEqualTo(5);
    assertThat(dsl.fetchValue("select count(*) from spot", Long.class)).isEqualTo(2L * 6);
    assertThat(dsl.fetchValue("select min(spotted_at) from spot", OffsetDateTime.class))
        .isEqualTo(Instant.parse("2026-05-11T00:00:00Z").atOffset(ZoneOffset.UTC));

    // Ten days later the limit has moved past two more weeks' ends.
    PartitionKeeper later =
        new PartitionKeeper(
            dsl, InstantSource.fixed(NOW.plus(Duration.ofDays(10))), Duration.ofDays(30));
    assertThat(later.maintain()).isTrue();
    assertThat(partitions(Table.SPOT)).first().isEqualTo("spot_p20260525");
    assertThat(later.dropped(Table.SPOT)).isEqualTo(2);
  }

  @Test
  void theMonthlyTablesLoseOnlyMonthsPastTheLimit() {
    Partitions.create(
        dsl,
        Table.ANNOUNCEMENT,
        List.of(
            Instant.parse("2026-03-10T00:00:00Z"),
            Instant.parse("2026-04-10T00:00:00Z"),
            Instant.parse("2026-05-10T00:00:00Z")));
    PartitionKeeper keeper =
        new PartitionKeeper(dsl, InstantSource.fixed(NOW), Duration.ofDays(60));

    assertThat(keeper.maintain()).isTrue();

    // Limit 2026-04-16 12:00: March (ends 04-01) goes, April (ends 05-01) stays.
    assertThat(partitions(Table.ANNOUNCEMENT))
        .containsExactly(
            "announcement_p20260401",
            "announcement_p20260501",
            "announcement_p20260601",
            "announcement_p20260701",
            "announcement_p20260801");
  }

  @Test
  void theDatabaseRefusesToDropAnythingFromItsLastDayAndTheRunCountsAsFailed() {
    assertThatThrownBy(
            () ->
                Partitions.dropOlderThan(
                    dsl, Table.SPOT, Instant.now().minusSeconds(3600), Duration.ofHours(1)))
        .isInstanceOf(DataAccessException.class)
        .rootCause()
        .hasMessageContaining("refusing to drop partitions of spot");

    // A clock a month ahead of the database's: retention would reach into the database's present.
    PartitionKeeper wrongClock =
        new PartitionKeeper(
            dsl, InstantSource.fixed(Instant.now().plus(Duration.ofDays(30))), Duration.ofDays(2));
    assertThat(wrongClock.maintain()).isFalse();
    assertThat(wrongClock.failures()).isEqualTo(1);

    // Sixty days ahead with 90 days' retention: the limit is a month back by the daemon's clock,
    // which the database's own clock would keep.
    PartitionKeeper aheadClock =
        new PartitionKeeper(
            dsl, InstantSource.fixed(Instant.now().plus(Duration.ofDays(60))), Duration.ofDays(90));
    assertThat(aheadClock.maintain()).isFalse();
    assertThatThrownBy(
            () ->
                Partitions.dropOlderThan(
                    dsl, Table.SPOT, Instant.now().minus(Duration.ofDays(30)), Duration.ofDays(90)))
        .rootCause()
        .hasMessageContaining("clock runs ahead");
  }

  @Test
  void aRetentionShorterThanTwoDaysIsRefused() {
    assertThatThrownBy(() -> new PartitionKeeper(dsl, InstantSource.system(), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 days");
  }
}
