package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

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
            ", unnest(?::bool[]) on conflict do nothing"
                + " returning \"node\", \"band\", \"mode\", \"backfilled\"");
    assertThat(RowInserts.SPOT_INSERT.chars().filter(c -> c == '?'))
        .hasSize(SpotArrayEncoder.COLUMNS.size());
  }
}
