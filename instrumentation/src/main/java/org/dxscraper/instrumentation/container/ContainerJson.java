package org.dxscraper.instrumentation.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the few fields this module needs from the Engine API's JSON, through Jackson's tree model
 * so that every other field, present or not in a given API version or in podman, is ignored.
 */
final class ContainerJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  // Ids go into a request path; the engine's are hex, anything else is refused rather than escaped.
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** One entry of {@code GET /containers/json?all=true}. */
  record Listed(String id, String name, String state) {}

  /** What {@code GET /containers/{id}/json} adds to the list. */
  record Inspected(ContainerHealth health, long restartCount) {}

  private ContainerJson() {}

  /**
   * Parses the container list: {@code Id}, {@code Names} (a name is chosen as in {@link
   * #chooseName}) and {@code State}.
   */
  static List<Listed> parseList(byte[] json) throws IOException {
    JsonNode root = MAPPER.readTree(json);
    if (root == null || !root.isArray()) {
      throw new IOException("container list is not a JSON array: " + excerpt(json));
    }
    List<Listed> containers = new ArrayList<>(root.size());
    for (JsonNode container : root) {
      String id = container.path("Id").asText("");
      if (!ID.matcher(id).matches()) {
        throw new IOException("container list holds an entry without a valid Id: " + container);
      }
      containers.add(
          new Listed(
              id, chooseName(container.path("Names"), id), container.path("State").asText("")));
    }
    return containers;
  }

  /** Parses the inspect document: {@code State.Health.Status} and {@code RestartCount}. */
  static Inspected parseInspect(byte[] json) throws IOException {
    JsonNode root = MAPPER.readTree(json);
    if (root == null || !root.isObject()) {
      throw new IOException("container inspect is not a JSON object: " + excerpt(json));
    }
    String health = root.path("State").path("Health").path("Status").asText("");
    return new Inspected(ContainerHealth.fromEngine(health), root.path("RestartCount").asLong(0));
  }

  /**
   * Docker lists a container under "/name", and for each legacy link also under "/other/alias"; the
   * one name without a second '/' is the container's own. Without names, the short id stands in.
   */
  static String chooseName(JsonNode names, String id) {
    String fallback = null;
    for (JsonNode node : names) {
      String name = node.asText("");
      String bare = name.startsWith("/") ? name.substring(1) : name;
      if (bare.isEmpty()) {
        continue;
      }
      if (!bare.contains("/")) {
        return bare;
      }
      if (fallback == null) {
        fallback = bare;
      }
    }
    if (fallback != null) {
      return fallback;
    }
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  private static String excerpt(byte[] json) {
    String text = new String(json, 0, Math.min(json.length, 120), StandardCharsets.UTF_8);
    return json.length > 120 ? text + "..." : text;
  }
}
