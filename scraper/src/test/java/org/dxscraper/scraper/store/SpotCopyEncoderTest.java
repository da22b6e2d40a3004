package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.junit.jupiter.api.Test;

/** COPY's text format; RowInsertsIT holds the stored rows to the insert's. */
class SpotCopyEncoderTest {
  private static final Instant SPOTTED = Instant.parse("2026-12-05T18:07:00Z");

  private static SpotRow spot(String comment, Integer snr) {
    return spot(SPOTTED, SPOTTED.plusNanos(1_500), comment, snr);
  }

  private static SpotRow spot(Instant spotted, Instant received, String comment, Integer snr) {
    return new SpotRow(
        spotted,
        received,
        "node",
        "DL1ABC",
        14_025_300,
        "K1ABC",
        comment,
        "20m",
        "CW",
        "stated",
        snr,
        null,
        null,
        "CQ",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        false);
  }

  private static String encode(List<SpotRow> rows, String daemon) {
    SpotCopyEncoder encoder = new SpotCopyEncoder().encode(rows, daemon);
    return new String(Arrays.copyOf(encoder.bytes(), encoder.length()), StandardCharsets.UTF_8);
  }

  @Test
  void aRowIsOneLineOfTheStatementsColumnsInItsOrder() {
    String line = encode(List.of(spot("hi", -5)), "alpha");

    assertThat(line)
        .isEqualTo(
            "2026-12-05 18:07:00.000000000+00\t2026-12-05 18:07:00.000001500+00\tnode\tDL1ABC"
                + "\t14025.300\tK1ABC\thi\t20m\tCW\tstated\t-5\t\\N\t\\N\tCQ\t\\N\t\\N\t\\N\t\\N"
                + "\t\\N\t\\N\t\\N\t\\N\tf\talpha\n");
    assertThat(line.split("\t", -1)).hasSize(SpotArrayEncoder.COLUMNS.size() + 1);
    assertThat(SpotCopyEncoder.COPY)
        .startsWith("copy \"spot\" (\"spotted_at\", \"received_at\", \"node\"")
        .endsWith(", \"backfilled\", \"daemon\") from stdin");
  }

  @Test
  void everyTimestampIsTheTextTheInsertBindsWhateverMinuteTheRowBeforeHad() {
    List<Instant> times =
        List.of(
            Instant.parse("2026-12-05T18:07:59.999999999Z"),
            Instant.parse("2026-12-05T18:08:00Z"),
            Instant.parse("2026-12-05T18:08:00.000001Z"),
            Instant.parse("2026-12-05T18:07:01.5Z"),
            Instant.parse("2024-02-29T23:59:09.123456789Z"),
            Instant.parse("1970-01-01T00:00:00Z"),
            Instant.parse("1969-12-31T23:59:59.9Z"),
            Instant.parse("0999-12-31T23:59:30Z"),
            Instant.parse("+10000-01-01T00:00:01Z"),
            Instant.parse("2026-12-05T18:08:30.25Z"));
    List<SpotRow> rows = new ArrayList<>();
    for (int i = 0; i < times.size(); i++) {
      // Each column in its own order, so that they seldom share a minute with the row before.
      Instant received = times.get(i);
      Instant spotted = times.get(times.size() - 1 - i);
      rows.add(spot(spotted, received, "r" + i, null));
    }

    String[] lines = encode(rows, "d").split("\n");

    assertThat(lines).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      String[] fields = lines[i].split("\t");
      assertThat(fields[0])
          .as("spotted_at of row %d", i)
          .isEqualTo(
              SpotArrayEncoder.timestampText(new StringBuilder(), rows.get(i).spottedAt())
                  .toString());
      assertThat(fields[1])
          .as("received_at of row %d", i)
          .isEqualTo(
              SpotArrayEncoder.timestampText(new StringBuilder(), rows.get(i).receivedAt())
                  .toString());
    }
    assertThat(lines[3])
        .startsWith("1969-12-31 23:59:59.900000000+00\t2026-12-05 18:07:01.500000000+00\t");
  }

  @Test
  void escapesWhatWouldEndAFieldOrALineAndDropsNul() {
    String line =
        encode(List.of(spot("a\tb\nc\rd\\e\u0000f \u00fc \uD83D\uDE00 \uD83D", null)), null);

    assertThat(line)
        .contains("\ta\\tb\\nc\\rd\\\\ef \u00fc \uD83D\uDE00 ?\t")
        .endsWith("\tf\t\\N\n");
  }

  @Test
  void aSmallintBeyondItsRangeWrapsAsTheInsertBindsIt() {
    assertThat(encode(List.of(spot("", 40_000)), "d")).contains("\tstated\t-25536\t");
  }

  @Test
  void theBufferGrowsAndIsReusedFromBatchToBatch() {
    SpotRow big = spot("x".repeat(30_000), 1);
    String two = encode(List.of(big, big, big), "d");
    SpotCopyEncoder encoder = new SpotCopyEncoder();

    encoder.encode(List.of(big, big, big), "d");
    encoder.encode(List.of(spot("short", 1)), "d");

    assertThat(two.split("\n")).hasSize(3);
    assertThat(new String(Arrays.copyOf(encoder.bytes(), encoder.length()), StandardCharsets.UTF_8))
        .isEqualTo(encode(List.of(spot("short", 1)), "d"));
  }
}
