package org.dxscraper.scraper.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The rules of {@link SimulatorOptions}, stated in the messages a user of the command reads. */
class SimulatorOptionsTest {

  @Test
  void aBlastNeedsACountBecauseItMakesItsSpotsInAdvance() {
    SimulatorOptions endless = SimulatorOptions.defaults();

    assertThatThrownBy(() -> endless.withBlast(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a blast needs a count of 1..5000000 spots (it makes them all in advance), got 0");
    assertThatThrownBy(() -> endless.withCount(5_000_001).withBlast(true))
        .hasMessageEndingWith("got 5000001");
    assertThat(endless.withCount(10).withBlast(true).blast()).isTrue();
  }

  @Test
  void aBlastCannotSpotWithoutClients() {
    SimulatorOptions counted = SimulatorOptions.defaults().withCount(10);

    assertThatThrownBy(() -> counted.withSpotWithoutClients(true).withBlast(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("choose one of blast and spotWithoutClients");
  }

  @Test
  void keepsTheNodeCallRule() {
    assertThat(SimulatorOptions.defaults().withNodeCall("SIM-16").nodeCall()).isEqualTo("SIM-16");
    assertThatThrownBy(() -> SimulatorOptions.defaults().withNodeCall("sim 2"))
        .hasMessage("nodeCall must be 3..20 capital letters, digits, '/' or '-', got 'sim 2'");
  }

  @Test
  void takesAnyMixOfOtherLinesFromNeverToEveryLine() {
    assertThat(SimulatorOptions.defaults().extraOneIn()).isEqualTo(50);
    assertThat(SimulatorOptions.defaults().withExtraOneIn(0).extraOneIn()).isZero();
    assertThatThrownBy(() -> SimulatorOptions.defaults().withExtraOneIn(-1))
        .hasMessage("extraOneIn must be >= 0 (0 = off), got -1");
  }
}
