package org.dxscraper.scraper.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The file Debian's hamradio-files installs; skipped where the package is not installed. */
class CtyDatRealFileTest {

  private static final Path DEBIAN_CTY = Path.of("/usr/share/hamradio-files/cty.dat");

  private static CtyDat cty;

  @BeforeAll
  static void loadDebiansFile() throws IOException {
    assumeTrue(
        Files.exists(DEBIAN_CTY),
        DEBIAN_CTY + " is missing: apt-get install hamradio-files to run these tests");
    cty = CtyDat.load(DEBIAN_CTY);
  }

  @Test
  void loadsEveryEntityWithoutSkippingLines() {
    // About 340 DXCC entities plus the '*' ones.
    assertThat(cty.entityCount()).isGreaterThan(300);
    assertThat(cty.skippedLines()).isZero();
  }

  @Test
  void everyEntityHasAPositionOnTheRightSideOfTheGlobe() {
    assertThat(cty.positions()).hasSize(cty.entityCount());
    assertThat(cty.positions())
        .filteredOn(p -> p.dxcc().entity().equals("United States of America"))
        .singleElement()
        .satisfies(p -> assertThat(p.longitude()).isBetween(-125.0, -65.0));
    assertThat(cty.positions())
        .filteredOn(p -> p.dxcc().entity().equals("Japan"))
        .singleElement()
        .satisfies(p -> assertThat(p.longitude()).isBetween(125.0, 150.0));
  }

  @Test
  void findsWellKnownEntities() {
    assertThat(cty.lookup("W1AW"))
        .hasValueSatisfying(
            d -> {
              assertThat(d.entity()).isEqualTo("United States of America");
              assertThat(d.continent()).isEqualTo("NA");
              assertThat(d.cqZone()).isEqualTo(5);
            });
    assertThat(cty.lookup("G4ABC"))
        .hasValueSatisfying(
            d -> {
              assertThat(d.entity()).isEqualTo("England");
              assertThat(d.continent()).isEqualTo("EU");
            });
    assertThat(cty.lookup("JA1XYZ"))
        .hasValueSatisfying(
            d -> {
              assertThat(d.entity()).isEqualTo("Japan");
              assertThat(d.continent()).isEqualTo("AS");
            });
    assertThat(cty.lookup("VK2ABC")).map(Dxcc::entity).contains("Australia");
    assertThat(cty.lookup("KH6/K1ABC")).map(Dxcc::entity).contains("Hawaii");
    assertThat(cty.lookup("VP2E/W1AW")).map(Dxcc::entity).contains("Anguilla");
    assertThat(cty.lookup("DL1ABC-#")).map(Dxcc::entity).contains("Fed. Rep. of Germany");
    assertThat(cty.lookup("IT9ABC")).map(Dxcc::entity).contains("Sicily");
  }

  @Test
  void appliesTheCallAreaZoneOverrides() {
    assertThat(cty.lookup("K0ABC")).map(Dxcc::cqZone).contains(4);
    assertThat(cty.lookup("W6ABC")).map(Dxcc::cqZone).contains(3);
  }

  @Test
  void maritimeMobileIsInNoEntity() {
    assertThat(cty.lookup("K1ABC/MM")).isEmpty();
  }

  @Test
  void lookupAllocatesNothing() {
    String[] calls = {"W1AW", "G4ABC/P", "KH6/K1ABC", "DL1ABC-#", "3D2/VK2ABC/P", "ZZ9ZZ"};
    Allocations.assertNoneIn(
        () -> {
          for (String call : calls) {
            Allocations.consume(cty.lookup(call));
          }
        });
  }
}
