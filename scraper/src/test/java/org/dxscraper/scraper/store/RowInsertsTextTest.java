package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RowInsertsTextTest {
  @Test
  void dropsNulWhichPostgresqlRefusesInText() {
    assertThat(RowInserts.text("ab\u0000c\u0000")).isEqualTo("abc");
  }

  @Test
  void returnsTheSameStringWhenThereIsNoNul() {
    String comment = "CW 23 dB \u00e4\u00f6 <> '; --";

    assertThat(RowInserts.text(comment)).isSameAs(comment);
    assertThat(RowInserts.text(null)).isNull();
  }
}
