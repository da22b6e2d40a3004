package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CharsTest {

  private static boolean contains(String line, String word) {
    return Chars.containsIgnoreCase(line.toCharArray(), 0, line.length(), word);
  }

  @Test
  void lettersMatchInEitherCaseAndNothingElseDoes() {
    assertThat(Chars.equalsIgnoreCase("x WPM y".toCharArray(), 2, 5, "wpm")).isTrue();
    assertThat(Chars.equalsIgnoreCase("x wPm y".toCharArray(), 2, 5, "WPM")).isTrue();
    assertThat(Chars.equalsIgnoreCase("x WPN y".toCharArray(), 2, 5, "WPM")).isFalse();
    // One bit apart like a letter's two cases, but not letters: '@' and '`', '[' and '{'.
    assertThat(Chars.equalsIgnoreCase("@".toCharArray(), 0, 1, "`")).isFalse();
    assertThat(Chars.equalsIgnoreCase("[".toCharArray(), 0, 1, "{")).isFalse();
    assertThat(Chars.equalsIgnoreCase("1".toCharArray(), 0, 1, "\u0011")).isFalse();
    // Latin-1 letters are not folded: the words here are ASCII.
    assertThat(Chars.equalsIgnoreCase("\u00e9".toCharArray(), 0, 1, "\u00c9")).isFalse();
  }

  @Test
  void searchAndMatchStayInsideTheirBounds() {
    assertThat(contains("running DXSpider V1.57", "dxspider")).isTrue();
    assertThat(contains("DXSpide", "dxspider")).isFalse();
    assertThat(Chars.matchesAt("10 dB".toCharArray(), 3, 5, "DB")).isTrue();
    assertThat(Chars.matchesAt("10 d".toCharArray(), 3, 4, "dB")).isFalse();
    assertThat(Chars.matchesAt("10 dB".toCharArray(), -1, 5, "dB")).isFalse();
  }

  @Test
  void callsAreJudgedByTheClassesOfTheirChars() {
    assertThat(callShaped("dl1abc")).isTrue();
    assertThat(callShaped("EA8/DL1ABC")).isTrue();
    assertThat(callShaped("CQ")).isFalse();
    assertThat(callShaped("TEST")).isFalse(); // no digit
    assertThat(callShaped("123")).isFalse(); // no letter
    assertThat(callShaped("/DL1A")).isFalse();
    assertThat(callShaped("DL1A/")).isFalse();
    assertThat(callShaped("DL1-A")).isFalse();
    assertThat(callShaped("DL1\u00c4")).isFalse(); // not ASCII
    char[] s = "dL1".toCharArray();
    assertThat(Chars.upperSubstring(s, 0, 3, Chars.classesOf(s, 0, 3))).isEqualTo("DL1");
    char[] upper = "DL1".toCharArray();
    assertThat(Chars.classesOf(upper, 0, 3) & Chars.LOWER).isZero();
  }

  private static boolean callShaped(String call) {
    char[] s = call.toCharArray();
    return Chars.isCallShaped(s, 0, s.length, Chars.classesOf(s, 0, s.length));
  }
}
