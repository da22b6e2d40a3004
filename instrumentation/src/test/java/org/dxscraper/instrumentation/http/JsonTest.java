package org.dxscraper.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    String quoted = Json.quote(new StringBuilder(), "a\"b\\c\nd\re\tf\u0007g\u007f").toString();

    assertThat(quoted).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0007g\\u007f\"");
  }

  @Test
  void keepsLatin1TextAsItIs() {
    assertThat(Json.quote(new StringBuilder(), "\u00e4\u00f6\u00fc <> 73").toString())
        .isEqualTo("\"\u00e4\u00f6\u00fc <> 73\"");
  }
}
