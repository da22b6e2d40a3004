package org.dxscraper.scraper.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpotGeneratorTest {

  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2027-03-03T21:07:00Z"));

  private static SpotGenerator generator(long seed) {
    return new SpotGenerator(
        SpotGenerator.generatedCalls(3, 2_000),
        seed,
        "SIM-1",
        CLOCK,
        SimulatorOptions.DEFAULT_EXTRA_ONE_IN);
  }

  @Test
  void makesDistinctSpots() {
    SpotGenerator generator = generator(1);
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      SimulatedSpot spot = generator.nextSpot();
      assertThat(keys.add(spot.dxCall() + "@" + spot.frequencyTenths())).isTrue();
    }
  }

  @Test
  void staysDistinctWithATinyCallList() {
    SpotGenerator generator =
        new SpotGenerator(
            List.of("K1ABC", "W2XYZ"), 1, "SIM-1", CLOCK, SimulatorOptions.DEFAULT_EXTRA_ONE_IN);
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      SimulatedSpot spot = generator.nextSpot();
      assertThat(keys.add(spot.dxCall() + "@" + spot.frequencyTenths())).isTrue();
    }
  }

  @Test
  void isReproducibleForASeed() {
    SpotGenerator first = generator(42);
    SpotGenerator second = generator(42);
    for (int i = 0; i < 100; i++) {
      assertThat(first.nextSpot()).isEqualTo(second.nextSpot());
      assertThat(first.nextExtraOrNull()).isEqualTo(second.nextExtraOrNull());
    }
  }

  @Test
  void keepsFrequenciesInAmateurBands() {
    SpotGenerator generator = generator(5);
    for (int i = 0; i < 5_000; i++) {
      double khz = generator.nextSpot().frequencyTenths() / 10.0;
      assertThat(inBand(khz)).as("%.1f kHz", khz).isTrue();
    }
  }

  private static boolean inBand(double khz) {
    double[][] bands = {
      {1800, 2000},
      {3500, 4000},
      {5351.5, 5366.5},
      {7000, 7300},
      {10100, 10150},
      {14000, 14350},
      {18068, 18168},
      {21000, 21450},
      {24890, 24990},
      {28000, 29700},
      {50000, 54000},
      {144000, 148000}
    };
    for (double[] band : bands) {
      if (khz >= band[0] && khz <= band[1]) {
        return true;
      }
    }
    return false;
  }

  @Test
  void writesModeAwareComments() {
    SpotGenerator generator = generator(9);
    List<String> comments = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      comments.add(generator.nextSpot().comment());
    }

    assertThat(comments).anyMatch(c -> c.matches("FT8 -?\\d+dB.*"));
    assertThat(comments).anyMatch(c -> c.matches("CW \\d+ dB \\d+ WPM CQ"));
    assertThat(comments).contains("tnx QSO", "up 2", "599");
  }

  @Test
  void mixesInOtherLinesAsRarelyAsAskedOrNever() {
    SpotGenerator rare =
        new SpotGenerator(SpotGenerator.generatedCalls(3, 2_000), 11, "SIM-1", CLOCK, 1_000);
    SpotGenerator never =
        new SpotGenerator(SpotGenerator.generatedCalls(3, 2_000), 11, "SIM-1", CLOCK, 0);
    int rareExtras = 0;
    for (int i = 0; i < 100_000; i++) {
      if (rare.nextExtraOrNull() != null) {
        rareExtras++;
      }
      assertThat(never.nextExtraOrNull()).isNull();
    }

    assertThat(rareExtras).isBetween(60, 140);
  }

  @Test
  void mixesInAboutOneOtherLineInFifty() {
    SpotGenerator generator = generator(11);
    List<SentLine> extras = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      SentLine extra = generator.nextExtraOrNull();
      if (extra != null) {
        extras.add(extra);
      }
    }

    assertThat(extras).hasSizeBetween(120, 280);
    assertThat(extras)
        .extracting(SentLine::kind)
        .contains(SentLine.Kind.WWV, SentLine.Kind.WCY, SentLine.Kind.ANNOUNCEMENT);
    assertThat(extras)
        .filteredOn(l -> l.kind() == SentLine.Kind.WWV)
        .allSatisfy(
            l -> assertThat(l.text()).matches("WWV de SIM-1 <21>:   SFI=\\d+, A=\\d+, K=\\d, .*"));
    assertThat(extras)
        .filteredOn(l -> l.kind() == SentLine.Kind.WCY)
        .allSatisfy(l -> assertThat(l.text()).startsWith("WCY de DK0WCY-1 <21> : K="));
  }

  @Test
  void makesGarbageWithoutLineFeedsAndOverlongLinesOf5000Bytes() {
    SpotGenerator generator = generator(13);
    for (int i = 0; i < 500; i++) {
      assertThat(generator.garbage().text()).doesNotContain("\n");
    }
    assertThat(generator.overlong().text()).hasSize(5000);
  }

  @Test
  void readsCallsFromAFileSkippingComments(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("calls.scp");
    Files.writeString(file, "# a comment\n\nk1abc\nW2XYZ\n  VE3/G4AAA  \n");

    assertThat(SpotGenerator.loadCalls(file, 1, 10)).containsExactly("K1ABC", "W2XYZ", "VE3/G4AAA");
  }

  @Test
  void generatesCallShapedCallsWhenTheFileIsMissing(@TempDir Path dir) {
    List<String> calls = SpotGenerator.loadCalls(dir.resolve("absent.scp"), 1, 300);

    assertThat(calls).hasSize(300).doesNotHaveDuplicates();
    assertThat(calls).allSatisfy(c -> assertThat(c).matches("[A-Z0-9]{1,3}[0-9][A-Z]{1,3}"));
  }
}
