package org.dxscraper.scraper.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DxSpiderFormatTest {

  private static final Instant TIME = Instant.parse("2027-03-03T21:07:45Z");

  private static SimulatedSpot spot(String spotter, long tenths, String call, String comment) {
    return new SimulatedSpot(spotter, tenths, call, comment, TIME);
  }

  @Test
  void formatsSpotInDxSpiderColumns() {
    String line = DxSpiderFormat.spotLine(spot("W3LPL", 70_035, "JA1ZZZ", "loud"), 80);

    // 6 + 9 + 1 + 8 + 2 + 12 + 1 + 30 + 1 + 5 = 75 columns
    assertThat(line)
        .isEqualTo("DX de W3LPL:      7003.5  JA1ZZZ       loud                           2107Z");
    assertThat(line).hasSize(75);
  }

  @Test
  void cutsTheCommentAtThirtyColumns() {
    String line =
        DxSpiderFormat.spotLine(
            spot("W3LPL", 140_250, "K9ZZ", "a comment that is clearly longer than thirty"), 80);

    assertThat(line).contains(" a comment that is clearly long 2107Z").hasSize(75);
  }

  @Test
  void widensTheCommentWithTheUsersWidth() {
    String line = DxSpiderFormat.spotLine(spot("W3LPL", 140_250, "K9ZZ", "cq"), 100);

    assertThat(line).hasSize(95).endsWith("cq" + " ".repeat(48) + " 2107Z");
    assertThat(DxSpiderFormat.commentWidth(60)).isEqualTo(30);
  }

  @Test
  void letsLongFieldsPushTheRestRight() {
    String line =
        DxSpiderFormat.spotLine(spot("DL1ABC-12-#", 104_895_400, "VK2/JA1ZZZ/P", "x"), 80);

    assertThat(line).startsWith("DX de DL1ABC-12-#: 10489540.0  VK2/JA1ZZZ/P x");
  }

  @Test
  void formatsHistoryLineWithFullDateAndSpotter() {
    String line = DxSpiderFormat.historyLine(spot("W3LPL", 140_250, "K9ZZ", "tnx"));

    assertThat(line)
        .isEqualTo("  14025.0 K9ZZ        03-Mar-2027 2107Z tnx                           <W3LPL>");
  }

  @Test
  void sharesTheHistoryTailBetweenCommentAndSpotter() {
    String shortSpotter = DxSpiderFormat.historyLine(spot("K1AB", 70_000, "K9ZZ", "x"));
    String longSpotter = DxSpiderFormat.historyLine(spot("W3LPL-12", 70_000, "K9ZZ", "x"));

    assertThat(shortSpotter).hasSize(77);
    assertThat(longSpotter).hasSize(77);
  }

  @Test
  void formatsPromptWithEnglishMonthAndUtcTime() {
    assertThat(DxSpiderFormat.promptLine("N0CALL", "SIM-1", TIME))
        .isEqualTo("N0CALL de SIM-1 03-Mar-2027 2107Z dxspider >");
    assertThat(DxSpiderFormat.promptLine("N0CALL", "SIM-1", Instant.parse("2027-09-05T03:04:00Z")))
        .isEqualTo("N0CALL de SIM-1 05-Sep-2027 0304Z dxspider >");
  }

  @Test
  void printsTheHourUnpaddedLikeDxSpiderWwvLines() {
    assertThat(DxSpiderFormat.hour(Instant.parse("2027-03-03T01:59:00Z"))).isEqualTo("1");
    assertThat(DxSpiderFormat.hour(TIME)).isEqualTo("21");
  }
}
