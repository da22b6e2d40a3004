package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.ANNOUNCEMENT;
import static org.dxscraper.db.jooq.Tables.SOLAR_REPORT;

import java.util.Arrays;
import org.jooq.Table;
import org.junit.jupiter.api.Test;

class RowInsertsStatementTest {
  @Test
  void theSpotInsertNamesEveryColumnWithItsArrayInOneFixedStatement() {
    assertThat(RowInserts.SPOT_INSERT)
        .startsWith(
            "insert into \"spot\" (\"spotted_at\", \"received_at\", \"node\","
                + " \"spotter\", \"frequency_khz\", \"dx_call\", \"comment\", \"band\"")
        .contains(
            ") select unnest(?::timestamptz[]), unnest(?::timestamptz[]), unnest(?::text[]),"
                + " unnest(?::text[]), unnest(?::numeric[]), unnest(?::text[])")
        .contains("unnest(?::int2[])")
        .endsWith(
            ", unnest(?::bool[]), ?::text on conflict do nothing"
                + " returning \"node\", \"band\", \"mode\", \"backfilled\"");
    assertThat(RowInserts.SPOT_INSERT.chars().filter(c -> c == '?'))
        .hasSize(SpotArrayEncoder.COLUMNS.size() + 1);
    assertThat(RowInserts.SPOT_INSERT).contains("\"backfilled\", \"daemon\")");
  }

  private static void fillsEveryColumnButTheId(SingleRowInsert<?> insert, Table<?> table) {
    assertThat(insert.fields())
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(table.fields()).filter(f -> !f.getName().equals("id")).toList());
  }

  @Test
  void solarReportsAndAnnouncementsFillEveryColumnButTheIdWithOneFixedStatementEach() {
    fillsEveryColumnButTheId(RowInserts.SOLAR_INSERT, SOLAR_REPORT);
    fillsEveryColumnButTheId(RowInserts.ANNOUNCEMENT_INSERT, ANNOUNCEMENT);

    assertThat(RowInserts.ANNOUNCEMENT_INSERT.sql())
        .isEqualTo(
            "insert into \"announcement\" (\"scope\", \"sender\", \"text\", \"announced_at\","
                + " \"node\", \"received_at\", \"daemon\") values (?, ?, ?, ?, ?, ?, ?)"
                + " on conflict do nothing");
    assertThat(RowInserts.SOLAR_INSERT.sql())
        .startsWith("insert into \"solar_report\" (\"kind\", \"station\", \"reported_at\"")
        .endsWith(") on conflict do nothing");
  }
}
