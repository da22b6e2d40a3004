package org.dxscraper.scraper.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class CtyDatTest {

  // A made-up file in cty.dat's format: real-looking entities, zones and overrides, but small.
  private static final String SAMPLE =
      """
      United States:            05:  08:  NA:   37.60:    91.87:     5.0:  K:
          AA,AB,AC,AD,AE,AF,AG,AI,AJ,AK,K,N,W,=K1ABC(4),=W2XYZ/MM(8),
          AA0(4)[7],K0(4)[7],N0(4)[7],W0(4)[7];
      Hawaii:                   31:  61:  OC:   21.12:   157.48:    10.0:  KH6:
          AH6,KH6,KH7,NH6,WH6;
      Anguilla:                 08:  11:  NA:   18.23:    63.00:     4.0:  VP2E:
          VP2E;
      Fiji:                     32:  56:  OC:  -17.78:  -177.92:   -12.0:  3D2:
          3D2;
      Rotuma Island:            32:  56:  OC:  -12.48:  -177.08:   -12.0:  3D2/r:
          =3D2RX,=3D2AB/P;
      Canada:                   05:  09:  NA:   44.35:    78.75:     5.0:  VE:
          VA,VE,VY0(4)[4]<70.0/95.0>~6.0~,
          VO1;
      Japan:                    25:  45:  AS:   36.40:  -138.38:    -9.0:  JA:
          JA,JE,7J,=JA1ZZZ(5)[8]{NA};
      Asiatic Turkey:           20:  39:  AS:   39.18:   -35.65:    -2.0:  TA:
          TA,=TA2ZZ;
      European Turkey:          20:  39:  EU:   41.02:   -28.97:    -2.0:  *TA1:
          TA1,=TA2ZZ;
      """;

  private static final Dxcc USA = new Dxcc("United States", "K", "NA", 5, 8);

  @TempDir Path dir;

  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void captureLogs() {
    logs = new ListAppender<>();
    logs.start();
    ctyLogger().addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ctyLogger().detachAppender(logs);
  }

  @Test
  void findsAnEntityByTheLongestMatchingPrefix() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.lookup("W1AW")).contains(USA);
    assertThat(cty.lookup("KH6XX")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("JA1XYZ")).contains(new Dxcc("Japan", "JA", "AS", 25, 45));
    assertThat(cty.lookup("TA1ABC")).map(Dxcc::entity).contains("European Turkey");
    assertThat(cty.lookup("TA3ABC")).map(Dxcc::entity).contains("Asiatic Turkey");
    assertThat(cty.entityCount()).isEqualTo(9);
    assertThat(cty.skippedLines()).isZero();
  }

  @Test
  void keepsEachEntitysPositionWithEastLongitudesPositive() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.positions()).hasSize(9);
    // cty.dat writes west as positive: 91.87 is in North America, -138.38 in Japan.
    assertThat(cty.positions().get(0)).isEqualTo(new EntityPosition(USA, 37.60, -91.87));
    assertThat(cty.positions())
        .filteredOn(p -> p.dxcc().entity().equals("Japan"))
        .singleElement()
        .satisfies(p -> assertThat(p.longitude()).isEqualTo(138.38));
    assertThat(cty.positions())
        .filteredOn(p -> p.dxcc().entity().equals("Fiji"))
        .singleElement()
        .satisfies(p -> assertThat(p.latitude()).isEqualTo(-17.78));
  }

  @Test
  void anEntityWhosePositionIsOffTheGlobeIsSkipped() throws IOException {
    CtyDat cty =
        load(
            """
            Nowhere:                  05:  08:  NA:   97.60:    91.87:     5.0:  X9:
                X9;
            Anguilla:                 08:  11:  NA:   18.23:    63.00:     4.0:  VP2E:
                VP2E;
            """);

    assertThat(cty.positions()).map(p -> p.dxcc().entity()).containsExactly("Anguilla");
    assertThat(cty.lookup("X9AA")).isEmpty();
    assertThat(cty.skippedLines()).isEqualTo(2);
  }

  @Test
  void appliesThePrefixOverridesOfTheMatchingAlias() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.lookup("K0ABC")).contains(new Dxcc("United States", "K", "NA", 4, 7));
    assertThat(cty.lookup("VY0AA")).contains(new Dxcc("Canada", "VE", "NA", 4, 4));
    assertThat(cty.lookup("VE3ABC")).contains(new Dxcc("Canada", "VE", "NA", 5, 9));
  }

  @Test
  void anExactCallEntryWinsOverThePrefixWithItsOverrides() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.lookup("K1ABC")).contains(new Dxcc("United States", "K", "NA", 4, 8));
    assertThat(cty.lookup("JA1ZZZ")).contains(new Dxcc("Japan", "JA", "NA", 5, 8));
    assertThat(cty.lookup("3D2RX")).map(Dxcc::entity).contains("Rotuma Island");
    assertThat(cty.lookup("3D2RY")).map(Dxcc::entity).contains("Fiji");
  }

  @Test
  void exactCallsAreWholeCallsNotPrefixes() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.lookup("K1ABCD")).contains(USA);
    assertThat(cty.lookup("3D2RXA")).map(Dxcc::entity).contains("Fiji");
  }

  @Test
  void takesThePrefixSideOfAPortableCall() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.lookup("KH6/K1ABC")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("VP2E/W1AW")).map(Dxcc::entity).contains("Anguilla");
    assertThat(cty.lookup("W1AW/VP2E")).map(Dxcc::entity).contains("Anguilla");
    assertThat(cty.lookup("3D2/VK2ABC/P")).map(Dxcc::entity).contains("Fiji");
    // Neither side is a prefix in the file: the shorter one is.
    assertThat(cty.lookup("K1ABC/VE3")).map(Dxcc::entity).contains("Canada");
    assertThat(cty.lookup("/K1ABC")).contains(new Dxcc("United States", "K", "NA", 4, 8));
  }

  @Test
  void ignoresSuffixesThatKeepTheHomeEntity() throws IOException {
    CtyDat cty = load(SAMPLE);
    Dxcc k1abc = new Dxcc("United States", "K", "NA", 4, 8);

    assertThat(cty.lookup("K1ABC/P")).contains(k1abc);
    assertThat(cty.lookup("K1ABC/QRP")).contains(k1abc);
    assertThat(cty.lookup("K1ABC/A")).contains(k1abc);
    assertThat(cty.lookup("K1ABC/M")).contains(k1abc);
    assertThat(cty.lookup("K1ABC/4")).contains(k1abc);
    assertThat(cty.lookup("K1ABC/")).contains(k1abc);
    assertThat(cty.lookup("W1AW/P/QRP")).contains(USA);
  }

  @Test
  void maritimeAndAeronauticalMobileAreInNoEntity() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.lookup("K1ABC/MM")).isEmpty();
    assertThat(cty.lookup("W1AW/AM")).isEmpty();
    assertThat(cty.lookup("w1aw/mm-2")).isEmpty();
  }

  @Test
  void anExactCallEntryIncludingASuffixWinsOverTheSuffixRules() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.lookup("W2XYZ/MM")).contains(new Dxcc("United States", "K", "NA", 8, 8));
    assertThat(cty.lookup("3D2AB/P")).map(Dxcc::entity).contains("Rotuma Island");
    assertThat(cty.lookup("3D2AB")).map(Dxcc::entity).contains("Fiji");
  }

  @Test
  void stripsSsidsSkimmerMarksBlanksAndCase() throws IOException {
    CtyDat cty = load(SAMPLE);

    assertThat(cty.lookup("KH6XX-2")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("KH6XX-#")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("KH6XX-2-#")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("  kh6xx  ")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("k1abc")).contains(new Dxcc("United States", "K", "NA", 4, 8));
    assertThat(cty.lookup("vp2e/w1aw")).map(Dxcc::entity).contains("Anguilla");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"ZZ9ZZ", "9", "CQ*", "K1\u00c4BC", "-#", "A/B/C", " "})
  void returnsEmptyForUnknownOrMalformedCalls(String call) throws IOException {
    assertThat(load(SAMPLE).lookup(call)).isEmpty();
  }

  @Test
  void aStarEntityWinsWhenTwoEntitiesListTheSameCall() throws IOException {
    CtyDat cty = load(SAMPLE);

    Optional<Dxcc> found = cty.lookup("TA2ZZ");

    assertThat(found).map(Dxcc::entity).contains("European Turkey");
    assertThat(found).map(Dxcc::primaryPrefix).contains("*TA1");
    assertThat(found).map(Dxcc::isDxccEntity).contains(false);
    assertThat(cty.lookup("TA2AA")).map(Dxcc::isDxccEntity).contains(true);
  }

  @Test
  void skipsAndCountsMalformedLinesAndKeepsTheRest() throws IOException {
    String file =
        """
            AA,K;
        Nowhere:                  05:  08:  XX:   37.60:    91.87:     5.0:  X0:
            X0,X1;
        Short:                    05:  08:  NA:   37.60:  X1:
        Bad Zone:                 CQ:  08:  NA:   37.60:    91.87:     5.0:  Y0:
        Hawaii:                   31:  61:  OC:   21.12:   157.48:    10.0:  KH6:
            AH6,KH6(31,KH7,NH6[99],
            WH6;
        Anguilla:                 08:  11:  NA:   18.23:    63.00:     4.0:  VP2E:
            VP2E;
        """;

    CtyDat cty = load(file);

    assertThat(cty.entityCount()).isEqualTo(2);
    // The stray alias line, three bad headers, the alias line of the skipped entity and the
    // Hawaii line with two bad aliases.
    assertThat(cty.skippedLines()).isEqualTo(6);
    assertThat(cty.lookup("AH6AA")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("KH7AA")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("WH6AA")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("KH6AA")).isEmpty();
    assertThat(cty.lookup("NH6AA")).isEmpty();
    assertThat(cty.lookup("X0AA")).isEmpty();
    assertThat(cty.lookup("VP2EA")).map(Dxcc::entity).contains("Anguilla");
    assertThat(warnings())
        .containsExactly(
            "cty.dat at "
                + dir.resolve("cty.dat")
                + ": skipped 6 malformed lines (first at line 1: alias line outside an entity"
                + " (no header before it))");
  }

  @Test
  void ignoresAUtf8ByteOrderMark() throws IOException {
    Path file = dir.resolve("cty.dat");
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    Files.write(file, bom);
    Files.writeString(file, SAMPLE, StandardCharsets.ISO_8859_1, StandardOpenOption.APPEND);

    CtyDat cty = CtyDat.load(file);

    assertThat(cty.lookup("W1AW")).contains(USA);
    assertThat(cty.skippedLines()).isZero();
  }

  @Test
  void logsNoWarningForAWellFormedFile() throws IOException {
    load(SAMPLE);

    assertThat(warnings()).isEmpty();
  }

  @Test
  void loadIfPresentReturnsEmptyAndWarnsOnceWhenTheFileIsMissing() throws IOException {
    Path missing = dir.resolve("nowhere/cty.dat");

    assertThat(CtyDat.loadIfPresent(missing)).isEmpty();
    assertThat(warnings())
        .containsExactly(
            "cty.dat not found at "
                + missing
                + ": DXCC columns stay empty; install Debian's hamradio-files or pass --cty");
  }

  @Test
  void loadIfPresentLoadsAnExistingFile() throws IOException {
    Path file = write(SAMPLE);

    assertThat(CtyDat.loadIfPresent(file))
        .hasValueSatisfying(c -> assertThat(c.entityCount()).isEqualTo(9));
  }

  @Test
  void loadNamesTheMissingFile() {
    Path missing = dir.resolve("missing.dat");

    assertThatThrownBy(() -> CtyDat.load(missing))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(missing + ": cty.dat not found");
  }

  @Test
  void loadNamesAFileThatCannotBeRead() {
    assertThatThrownBy(() -> CtyDat.load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Cannot read cty.dat at " + dir + ": ");
  }

  @Test
  void loadRejectsAFileWithoutAnyEntity() throws IOException {
    Path file = write("<html><body>Not Found</body></html>\n");

    assertThatThrownBy(() -> CtyDat.load(file))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cty.dat at "
                + file
                + " holds no entity (1 malformed lines, first at line 1: an entity header has 8"
                + " fields each ending in ':', got 0): is it a cty.dat file?");
  }

  @Test
  void lookupAllocatesNothing() throws IOException {
    CtyDat cty = load(SAMPLE);
    String[] calls = {
      "W1AW", "kh6/k1abc", "K1ABC/P", "VP2E/W1AW", "KH6XX-2-#", "ZZ9ZZ", "K1ABC/MM"
    };
    Allocations.assertNoneIn(
        () -> {
          for (String call : calls) {
            Allocations.consume(cty.lookup(call));
          }
        });
  }

  private CtyDat load(String content) throws IOException {
    return CtyDat.load(write(content));
  }

  private Path write(String content) throws IOException {
    return Files.writeString(dir.resolve("cty.dat"), content, StandardCharsets.ISO_8859_1);
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static Logger ctyLogger() {
    return (Logger) LoggerFactory.getLogger(CtyDat.class);
  }
}
