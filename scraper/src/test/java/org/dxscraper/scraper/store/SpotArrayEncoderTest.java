package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jooq.Field;
import org.junit.jupiter.api.Test;

class SpotArrayEncoderTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSSSS'+00'").withZone(ZoneOffset.UTC);

  private static String timestamp(Instant t) {
    StringBuilder b = new StringBuilder();
    SpotArrayEncoder.timestamp(b, t);
    return b.toString();
  }

  @Test
  void writesEveryColumnOfSpotButItsGeneratedIdAndTheDaemonsName() {
    List<Field<?>> written =
        SpotArrayEncoder.COLUMNS.stream().<Field<?>>map(SpotArrayEncoder.Column::field).toList();

    // The daemon's name is one value a batch, a plain parameter of RowInserts' statement.
    assertThat(written).doesNotHaveDuplicates();
    assertThat(written)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(SPOT.fields())
                .filter(f -> !f.equals(SPOT.ID) && !f.equals(SPOT.DAEMON))
                .toList());
  }

  @Test
  void timestampsAreUtcWithEveryNanosecondForPostgresqlToRound() {
    assertThat(timestamp(Instant.parse("2026-12-05T18:07:09Z")))
        .isEqualTo("\"2026-12-05 18:07:09.000000000+00\"");
    assertThat(timestamp(Instant.parse("2026-12-05T18:07:09.123456500Z")))
        .isEqualTo("\"2026-12-05 18:07:09.123456500+00\"");
    assertThat(timestamp(Instant.parse("2028-02-29T23:59:59.999999999Z")))
        .isEqualTo("\"2028-02-29 23:59:59.999999999+00\"");
    assertThat(timestamp(Instant.parse("1969-12-31T23:59:59.5Z")))
        .isEqualTo("\"1969-12-31 23:59:59.500000000+00\"");
  }

  @Test
  void timestampsMatchTheJdksCalendarOverFourHundredYears() {
    SplittableRandom random = new SplittableRandom(11);
    long from = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2300-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(from, to), random.nextInt(1_000_000_000));
      assertThat(timestamp(t)).as("%s", t).isEqualTo('"' + REFERENCE.format(t) + '"');
    }
  }

  @Test
  void yearsOutsideFourDigitsFallBackToIso() {
    assertThat(timestamp(Instant.parse("0999-01-01T00:00:00Z")))
        .isEqualTo("\"0999-01-01T00:00:00Z\"");
  }

  @Test
  void textIsQuotedWithQuoteAndBackslashEscapedAndNulDropped() {
    StringBuilder b = new StringBuilder();
    SpotArrayEncoder.text(b, "a\"b\\c, {d} NULL \u00fc \uD83D\uDE00\u0000e");
    b.append(',');
    SpotArrayEncoder.text(b, "NULL");
    b.append(',');
    SpotArrayEncoder.text(b, "");
    b.append(',');
    SpotArrayEncoder.text(b, null);

    assertThat(b).hasToString("\"a\\\"b\\\\c, {d} NULL \u00fc \uD83D\uDE00e\",\"NULL\",\"\",NULL");
  }

  @Test
  void kilohertzKeepsThreeDecimalsExactly() {
    StringBuilder b = new StringBuilder();
    SpotArrayEncoder.kilohertz(b, 14_025_300);
    b.append(',');
    SpotArrayEncoder.kilohertz(b, 7_018_250);
    b.append(',');
    SpotArrayEncoder.kilohertz(b, 10_489_540_000L);
    b.append(',');
    SpotArrayEncoder.kilohertz(b, 1_007);

    assertThat(b).hasToString("14025.300,7018.250,10489540.000,1.007");
  }
}
