package org.dxscraper.scraper.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dxscraper.scraper.parse.ClusterMessage;
import org.dxscraper.scraper.parse.Unparsed;

/**
 * One {@link ClusterMessage} as one line of JSON: {@code "kind"} first, then the record's
 * components by name in declaration order; null components are left out. Instants are ISO-8601
 * strings, enums their names. An {@link Unparsed} message also carries the line it came from.
 */
final class MessageJson {
  private static final Map<Class<?>, RecordComponent[]> COMPONENTS = new ConcurrentHashMap<>();

  private MessageJson() {}

  static String of(ClusterMessage message, String line) {
    StringBuilder json = new StringBuilder(256).append("{\"kind\":");
    string(json, message.kind());
    for (RecordComponent component :
        COMPONENTS.computeIfAbsent(message.getClass(), Class::getRecordComponents)) {
      Object value = valueOf(component, message);
      if (value != null) {
        json.append(',');
        string(json, component.getName());
        json.append(':');
        value(json, value);
      }
    }
    if (message instanceof Unparsed) {
      json.append(",\"line\":");
      string(json, line);
    }
    return json.append('}').toString();
  }

  private static Object valueOf(RecordComponent component, ClusterMessage message) {
    try {
      return component.getAccessor().invoke(message);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(
          "cannot read " + component.getName() + " of " + message.getClass().getSimpleName(), e);
    }
  }

  private static void value(StringBuilder json, Object value) {
    if (value instanceof Number || value instanceof Boolean) {
      json.append(value);
    } else if (value instanceof Enum<?> e) {
      string(json, e.name());
    } else {
      string(json, value.toString());
    }
  }

  private static void string(StringBuilder json, String s) {
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
    json.append('"');
  }
}
