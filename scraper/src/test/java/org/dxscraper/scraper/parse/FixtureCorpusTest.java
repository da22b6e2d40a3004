package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the parser over real traffic kept in {@code shared/fixtures} next to the project (public
 * captures of DXSpider, AR-Cluster, CC Cluster and RBN, and a loopback DXSpider node). The folder
 * is not part of the project, so the test skips itself where it is absent.
 */
class FixtureCorpusTest {

  private static final LineParser PARSER = new LineParser();

  private static final Instant RECEIVED = Instant.parse("2026-11-24T01:20:00Z");

  private static final Pattern ZULU_TIME = Pattern.compile("\\s\\d{4}Z(\\s|$)");

  private static List<String> lines;

  @BeforeAll
  static void readFixtures() throws IOException {
    Optional<Path> fixtures = findFixtures();
    Assumptions.assumeTrue(
        fixtures.isPresent(),
        "no shared/fixtures folder beside the project (or above it): the corpus of real cluster"
            + " traffic lives outside the repository, so this test only runs where it is present");
    lines = new ArrayList<>();
    lines.addAll(read(fixtures.get().resolve("public-cluster-lines.txt")));
    lines.addAll(read(fixtures.get().resolve("dxspider/spots-received.raw")));
  }

  /** ../shared/fixtures, ../../shared/fixtures, ... from the working directory. */
  private static Optional<Path> findFixtures() {
    Path dir = Path.of("").toAbsolutePath().getParent();
    for (; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("fixtures");
      if (Files.isRegularFile(candidate.resolve("public-cluster-lines.txt"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Splits on LF only, as DXSpider ends lines; drops CR, trailing BELs and '#' notes. */
  private static List<String> read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    List<String> result = new ArrayList<>();
    for (String raw : text.split("\n", -1)) {
      String line = raw.replace("\r", "");
      int end = line.length();
      while (end > 0 && line.charAt(end - 1) == '\u0007') {
        end--;
      }
      line = line.substring(0, end);
      if (!line.startsWith("#")) {
        result.add(line);
      }
    }
    return result;
  }

  private static ClusterMessage parse(String line) {
    return PARSER.parse(line, RECEIVED);
  }

  @Test
  void classifiesEveryLine() {
    for (String line : lines) {
      assertThat(parse(line))
          .as(line)
          .isNotNull()
          .isNotEqualTo(new Unparsed(Unparsed.INTERNAL_ERROR));
    }
  }

  @Test
  void readsAtLeast99PercentOfDxLinesAsSpots() {
    List<String> dxLines = lines.stream().filter(line -> line.startsWith("DX de ")).toList();
    List<String> failed = new ArrayList<>();
    for (String line : dxLines) {
      if (!isGoodSpot(line, parse(line))) {
        failed.add(line);
      }
    }
    System.out.printf(
        "FixtureCorpusTest: %d DX lines, %d parsed as spots, %d not%n",
        dxLines.size(), dxLines.size() - failed.size(), failed.size());
    failed.forEach(line -> System.out.println("  not a spot: " + line + " -> " + parse(line)));

    assertThat(dxLines).hasSizeGreaterThan(250);
    assertThat(failed.size()).isLessThanOrEqualTo(dxLines.size() / 100);
  }

  private static boolean isGoodSpot(String line, ClusterMessage message) {
    if (!(message instanceof Spot spot)) {
      return false;
    }
    boolean hasTime = ZULU_TIME.matcher(line).find();
    return spot.frequencyHz() > 0
        && !spot.dxCall().isEmpty()
        && !spot.spotter().isEmpty()
        && (!hasTime || spot.timeFromLine());
  }

  @Test
  void readsSatelliteFrequencyOfTenGigahertz() {
    Spot spot = onlySpot(" 10489540.0 ");

    assertThat(spot.frequencyHz()).isEqualTo(10_489_540_000L);
    assertThat(spot.dxCall()).isEqualTo("QO100");
  }

  @Test
  void readsRbnFrequencyWithTwoDecimals() {
    Spot spot = onlySpot("9A1CIG-#:  7018.30 ");

    assertThat(spot.frequencyHz()).isEqualTo(7_018_300L);
    assertThat(spot.speed()).isEqualTo(18);
  }

  @Test
  void readsSkimmerReportSpeedAndType() {
    Spot spot = onlySpot("KW7MM-4-#: 14064.2");

    assertThat(spot.spotter()).isEqualTo("KW7MM-4-#");
    assertThat(spot.skimmer()).isTrue();
    assertThat(spot.mode()).isEqualTo("CW");
    assertThat(spot.snrDb()).isEqualTo(24);
    assertThat(spot.speed()).isEqualTo(20);
    assertThat(spot.speedUnit()).isEqualTo(SpeedUnit.WPM);
    assertThat(spot.spotType()).isEqualTo(SpotType.CQ);
  }

  @Test
  void readsDxSpiderRelayedSkimmerSpotWithZones() {
    Spot spot = onlySpot("CW  23dB Q:9* Z:20");

    assertThat(spot.snrDb()).isEqualTo(23);
    assertThat(spot.dxZone()).isEqualTo(16);
    assertThat(spot.spotterZone()).isEqualTo(14);
    assertThat(spot.spottedAt()).isEqualTo(Instant.parse("2026-11-23T22:59:00Z"));
  }

  @Test
  void readsCcClusterFt8SpotWithAudioOffset() {
    Spot spot = onlySpot("FT8  -16 dB  928 Hz");

    assertThat(spot.mode()).isEqualTo("FT8");
    assertThat(spot.snrDb()).isEqualTo(-16);
    assertThat(spot.speed()).isNull();
    assertThat(spot.frequencyHz()).isEqualTo(14_074_000L);
  }

  @Test
  void readsLatin1CommentOfLoopbackNode() {
    Spot spot = onlySpot("8-bit and <> chars");

    assertThat(spot.comment()).isEqualTo("<\u00e4\u00f6\u00fc> 8-bit and <> chars");
    assertThat(spot.timeFromLine()).isTrue();
  }

  /** The one {@code DX de} line of the corpus that contains {@code fragment}, as a spot. */
  private static Spot onlySpot(String fragment) {
    List<String> matching =
        lines.stream().filter(l -> l.startsWith("DX de ") && l.contains(fragment)).toList();
    assertThat(matching).as(fragment).hasSize(1);
    ClusterMessage message = parse(matching.get(0));
    assertThat(message).as(matching.get(0)).isInstanceOf(Spot.class);
    return (Spot) message;
  }
}
