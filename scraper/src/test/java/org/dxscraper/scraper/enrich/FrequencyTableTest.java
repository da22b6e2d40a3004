package org.dxscraper.scraper.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrequencyTableTest {

  @Test
  void findsTheRangeHoldingAFrequencyWithBothEdgesInclusive() {
    FrequencyTable<String> table =
        FrequencyTable.<String>builder().add(10, 20, "a").add(21, 30, "b").add(40, 40, "c").build();

    assertThat(table.find(9)).isNull();
    assertThat(table.find(10)).isEqualTo("a");
    assertThat(table.find(20)).isEqualTo("a");
    assertThat(table.find(21)).isEqualTo("b");
    assertThat(table.find(30)).isEqualTo("b");
    assertThat(table.find(31)).isNull();
    assertThat(table.find(40)).isEqualTo("c");
    assertThat(table.find(41)).isNull();
    assertThat(table.size()).isEqualTo(3);
  }

  @Test
  void rejectsOverlappingRanges() {
    FrequencyTable.Builder<String> builder = FrequencyTable.<String>builder().add(10, 20, "a");

    assertThatThrownBy(() -> builder.add(20, 30, "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ranges must be ascending and must not overlap, got 20..30 Hz after 10..20 Hz");
  }

  @Test
  void rejectsRangesOutOfOrder() {
    FrequencyTable.Builder<String> builder = FrequencyTable.<String>builder().add(10, 20, "a");

    assertThatThrownBy(() -> builder.add(1, 5, "b"))
        .hasMessageContaining("ascending")
        .hasMessageContaining("1..5 Hz");
  }

  @Test
  void rejectsEmptyOrNonPositiveRanges() {
    assertThatThrownBy(() -> FrequencyTable.<String>builder().add(20, 10, "a"))
        .hasMessage("range must satisfy 0 < low <= high, got 20..10 Hz");
    assertThatThrownBy(() -> FrequencyTable.<String>builder().add(0, 10, "a"))
        .hasMessage("range must satisfy 0 < low <= high, got 0..10 Hz");
  }

  @Test
  void emptyTableFindsNothing() {
    assertThat(FrequencyTable.<String>builder().build().find(14_000_000)).isNull();
  }
}
