package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.junit.jupiter.api.Test;

/** COPY's text format; RowInsertsIT holds the stored rows to the insert's. */
class SpotCopyEncoderTest {
  private static final Instant SPOTTED = Instant.parse("2026-12-05T18:07:00Z");

  private static SpotRow spot(String comment, Integer snr) {
    return new SpotRow(
        SPOTTED,
        SPOTTED.plusNanos(1_500),
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
