package org.dxscraper.scraper.enrich;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModeGuessTest {

  @Test
  void rejectsAModeWithoutASource() {
    assertThatThrownBy(() -> new ModeGuess("CW", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "mode and source must both be present or both be null, got mode=CW, source=null");
  }

  @Test
  void rejectsASourceWithoutAMode() {
    assertThatThrownBy(() -> new ModeGuess(null, ModeGuess.Source.STATED))
        .hasMessageContaining("both be present or both be null");
  }

  @Test
  void rejectsModesTheColumnCannotHold() {
    assertThatThrownBy(() -> new ModeGuess("cw", ModeGuess.Source.STATED))
        .hasMessage("mode must be 1..16 upper-case letters and digits, got 'cw'");
    assertThatThrownBy(() -> new ModeGuess("ABCDEFGHIJKLMNOPQ", ModeGuess.Source.STATED))
        .hasMessageContaining("1..16");
    assertThatThrownBy(() -> new ModeGuess("", ModeGuess.Source.INFERRED))
        .hasMessageContaining("1..16");
  }
}
