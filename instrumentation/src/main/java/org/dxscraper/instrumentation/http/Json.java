package org.dxscraper.instrumentation.http;

/** The one piece of JSON writing the project needs by hand: a string literal, escaped. */
public final class Json {
  private Json() {}

  /** Appends {@code s} to {@code json} as a JSON string, quotes included; returns {@code json}. */
  public static StringBuilder quote(StringBuilder json, String s) {
    json.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
