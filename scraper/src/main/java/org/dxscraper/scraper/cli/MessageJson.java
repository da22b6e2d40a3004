package org.dxscraper.scraper.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dxscraper.instrumentation.http.Json;
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
    Json.quote(json, message.kind());
    for (RecordComponent component :
        COMPONENTS.computeIfAbsent(message.getClass(), Class::getRecordComponents)) {
      Object value = valueOf(component, message);
      if (value != null) {
        json.append(',');
        Json.quote(json, component.getName());
        json.append(':');
        value(json, value);
      }
    }
    if (message instanceof Unparsed) {
      json.append(",\"line\":");
      Json.quote(json, line);
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
      Json.quote(json, e.name());
    } else {
      Json.quote(json, value.toString());
    }
  }
}
