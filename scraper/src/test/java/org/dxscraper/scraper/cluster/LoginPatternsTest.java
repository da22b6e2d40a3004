package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginPatternsTest {

  @Test
  void recognisesLoginPromptsOfTheNodeFamilies() {
    assertThat(LoginPatterns.isLoginPrompt("login: ")).isTrue();
    assertThat(LoginPatterns.isLoginPrompt("Please enter your call: ")).isTrue();
    assertThat(LoginPatterns.isLoginPrompt("Enter your callsign")).isTrue();
    assertThat(LoginPatterns.isLoginPrompt("ENTER YOUR CALLSIGN:")).isTrue();
  }

  @Test
  void doesNotMistakeDxSpiderWelcomeHintsForPrompts() {
    assertThat(LoginPatterns.isLoginPrompt("Please enter your name, set/name <your name>"))
        .isFalse();
    assertThat(LoginPatterns.isLoginPrompt("login: Hello N0CALL, this is TEST-1")).isFalse();
    assertThat(LoginPatterns.isLoginPrompt("*  Please login with a callsign of your country  *"))
        .isFalse();
  }

  @Test
  void recognisesPromptLinesOfOwnCallOnly() {
    assertThat(
            LoginPatterns.isPromptLine("N0CALL de TEST-1 03-Mar-2027 1200Z dxspider >", "N0CALL"))
        .isTrue();
    assertThat(LoginPatterns.isPromptLine("n0call de TEST-2 01-Oct 0015Z arc6>", "N0CALL"))
        .isTrue();
    assertThat(LoginPatterns.isPromptLine("N0CALL-1 de TEST-1 03-Mar-2027 1200Z >", "N0CALL"))
        .isFalse();
    assertThat(LoginPatterns.isPromptLine("N0CALL de K1XX: talk to me", "N0CALL")).isFalse();
  }
}
