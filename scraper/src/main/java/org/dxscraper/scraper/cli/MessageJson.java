package org.dxscraper.scraper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Class<?>, RecordComponent[]> COMPONENTS = new ConcurrentHashMap<>();

  private MessageJson() {}

  static String of(ClusterMessage message, String line) {
    ObjectNode json = JSON.createObjectNode();
    json.put("kind", message.kind());
    for (RecordComponent component :
        COMPONENTS.computeIfAbsent(message.getClass(), Class::getRecordComponents)) {
      Object value = valueOf(component, message);
      if (value != null) {
        json.set(component.getName(), value(value));
      }
    }
    if (message instanceof Unparsed) {
      json.put("line", line);
    }
    return json.toString();
  }

  private static Object valueOf(RecordComponent component, ClusterMessage message) {
    try {
      return component.getAccessor().invoke(message);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(
          "cannot read " + component.getName() + " of " + message.getClass().getSimpleName(), e);
    }
  }

  private static JsonNode value(Object value) {
    return switch (value) {
      case Long l -> JSON.getNodeFactory().numberNode(l);
      case Integer i -> JSON.getNodeFactory().numberNode(i);
      case Double d -> JSON.getNodeFactory().numberNode(d);
      case Number n -> JSON.getNodeFactory().numberNode(new java.math.BigDecimal(n.toString()));
      case Boolean b -> JSON.getNodeFactory().booleanNode(b);
      case Enum<?> e -> JSON.getNodeFactory().textNode(e.name());
      default -> JSON.getNodeFactory().textNode(value.toString());
    };
  }
}
