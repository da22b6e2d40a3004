package org.dxscraper.instrumentation.container;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP response from the engine.
 *
 * @param headers names in lower case; repeated headers joined with ", "
 */
record EngineResponse(int status, Map<String, String> headers, byte[] body) {

  EngineResponse {
    headers = Map.copyOf(headers);
  }

  /** The header's value, or null; {@code name} is matched case-insensitively. */
  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The start of the body, for error messages. */
  String bodyExcerpt() {
    int length = Math.min(body.length, 200);
    String text = new String(body, 0, length, StandardCharsets.UTF_8).strip();
    return body.length > length ? text + "..." : text;
  }
}
