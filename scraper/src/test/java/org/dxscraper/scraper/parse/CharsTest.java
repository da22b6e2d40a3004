package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CharsTest {

  @Test
  void lettersMatchInEitherCaseAndNothingElseDoes() {
    assertThat(Chars.equalsIgnoreCase("x WPM y", 2, 5, "wpm")).isTrue();
    assertThat(Chars.equalsIgnoreCase("x wPm y", 2, 5, "WPM")).isTrue();
    assertThat(Chars.equalsIgnoreCase("x WPN y", 2, 5, "WPM")).isFalse();
    // One bit apart like a letter's two cases, but not letters: '@' and '`', '[' and '{'.
    assertThat(Chars.equalsIgnoreCase("@", 0, 1, "`")).isFalse();
    assertThat(Chars.equalsIgnoreCase("[", 0, 1, "{")).isFalse();
    assertThat(Chars.equalsIgnoreCase("1", 0, 1, "\u0011")).isFalse();
    // Latin-1 letters are not folded: the words here are ASCII.
    assertThat(Chars.equalsIgnoreCase("\u00e9", 0, 1, "\u00c9")).isFalse();
  }

  @Test
  void searchAndMatchStayInsideTheirBounds() {
    assertThat(Chars.containsIgnoreCase("running DXSpider V1.57", "dxspider")).isTrue();
    assertThat(Chars.containsIgnoreCase("DXSpide", "dxspider")).isFalse();
    assertThat(Chars.matchesAt("10 dB", 3, 5, "DB")).isTrue();
    assertThat(Chars.matchesAt("10 d", 3, 4, "dB")).isFalse();
    assertThat(Chars.matchesAt("10 dB", -1, 5, "dB")).isFalse();
  }
}
