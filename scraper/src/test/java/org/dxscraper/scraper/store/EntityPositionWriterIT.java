package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.DXCC_ENTITY;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.dxscraper.scraper.enrich.Dxcc;
import org.dxscraper.scraper.enrich.EntityPosition;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The entity table written as the daemon's role, and read as Grafana's. */
class EntityPositionWriterIT {
  private static final Instant NOW = Instant.parse("2026-12-04T20:00:00Z");
  private static final EntityPosition USA =
      new EntityPosition(new Dxcc("United States", "K", "NA", 5, 8), 37.6, -91.87);
  private static final EntityPosition JAPAN =
      new EntityPosition(new Dxcc("Japan", "JA", "AS", 25, 45), 36.4, 138.38);

  private TestDatabase testDatabase;
  private Database database;

  @BeforeEach
  void migrate() {
    testDatabase = TestPostgres.createDatabase();
    database = Database.open(testDatabase.config());
    Migrations.migrate(database.dataSource());
  }

  @AfterEach
  void drop() {
    database.close();
    testDatabase.close();
  }

  @Test
  void theWriterRoleInsertsThenRewritesOnlyWhatChanged() throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("set role dx_scraper_writer");
      DSLContext dsl = DSL.using(c);

      assertThat(EntityPositionWriter.store(dsl, List.of(USA, JAPAN), NOW)).isEqualTo(2);
      assertThat(EntityPositionWriter.store(dsl, List.of(USA, JAPAN), NOW.plusSeconds(60)))
          .as("an unchanged file changes nothing")
          .isZero();
      EntityPosition moved = new EntityPosition(new Dxcc("Japan", "JA", "AS", 25, 45), 35.0, 139.0);
      assertThat(EntityPositionWriter.store(dsl, List.of(USA, moved), NOW.plusSeconds(120)))
          .isEqualTo(1);
      s.execute("reset role");
    }

    var japan =
        database.dsl().selectFrom(DXCC_ENTITY).where(DXCC_ENTITY.ENTITY.eq("Japan")).fetchOne();
    assertThat(japan.getLatitude()).isEqualTo(35.0);
    assertThat(japan.getLongitude()).isEqualTo(139.0);
    assertThat(japan.getUpdatedAt().toInstant()).isEqualTo(NOW.plusSeconds(120));
    assertThat(database.dsl().fetchCount(DXCC_ENTITY)).isEqualTo(2);
  }

  @Test
  void aNameListedTwiceIsWrittenOnceAsItsFirstHeaderSays() {
    EntityPosition again = new EntityPosition(new Dxcc("Japan", "JA", "AS", 25, 45), 0.0, 0.0);

    assertThat(EntityPositionWriter.store(database.dsl(), List.of(JAPAN, again), NOW)).isEqualTo(1);
    assertThat(
            database
                .dsl()
                .select(DXCC_ENTITY.LONGITUDE)
                .from(DXCC_ENTITY)
                .where(DXCC_ENTITY.ENTITY.eq("Japan"))
                .fetchOne(DXCC_ENTITY.LONGITUDE))
        .isEqualTo(138.38);
  }

  @Test
  void aRefusalIsReportedNotThrown() throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("set role dx_scraper_reader");
      assertThat(EntityPositionWriter.store(DSL.using(c), List.of(USA), NOW)).isEqualTo(-1);
      try (ResultSet rows = s.executeQuery("select count(*) from dxcc_entity")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).as("the reader may read it").isZero();
      }
      s.execute("reset role");
    }
  }
}
