package org.dxscraper.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboards as Grafana 11.4 (the stack's pinned version) will load them: its schema version,
 * data sources that provisioning defines, panels that do not overlap, a unit and a description on
 * every panel, and the old dashboard's five rows in their order. Their queries are run against a
 * real Prometheus and PostgreSQL by the scraper's PrometheusScrapeIT.
 */
class DashboardJsonTest {
  static final Path DASHBOARDS = Path.of("grafana/dashboards");
  static final Path DATASOURCES = Path.of("grafana/provisioning/datasources/datasources.yml");

  /** Grafana 11.4's dashboard schema version. */
  static final int SCHEMA_VERSION = 40;

  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** Panels of a dashboard, those inside collapsed rows included. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }

  @Test
  void everyDashboardIsForThePinnedGrafanaWithProvisionedDataSources() throws IOException {
    Set<String> uids = new HashSet<>();
    new ObjectMapper(new YAMLFactory())
        .readTree(DATASOURCES.toFile())
        .path("datasources")
        .forEach(d -> uids.add(d.path("uid").asText()));
    assertThat(uids).containsExactlyInAnyOrder("dx-prometheus", "dx-postgres");
    assertThat(dashboards()).isNotEmpty();
    Set<String> dashboardUids = new HashSet<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = JSON.readTree(file.toFile());
      assertThat(dashboard.path("schemaVersion").asInt())
          .as(file.toString())
          .isEqualTo(SCHEMA_VERSION);
      assertThat(dashboardUids.add(dashboard.path("uid").asText())).as("unique uid").isTrue();
      for (JsonNode panel : panels(dashboard)) {
        if (panel.path("type").asText().equals("row")) {
          continue;
        }
        String where = file.getFileName() + ": " + panel.path("title").asText();
        assertThat(panel.path("datasource").path("uid").asText()).as(where).isIn(uids);
        for (JsonNode target : panel.path("targets")) {
          assertThat(target.path("datasource").path("uid").asText()).as(where).isIn(uids);
        }
        assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText())
            .as("unit of " + where)
            .isNotBlank();
        assertThat(panel.path("description").asText()).as("description of " + where).isNotBlank();
        if (panel.path("type").asText().matches("stat|gauge|timeseries|state-timeline")) {
          assertThat(panel.path("fieldConfig").path("defaults").path("thresholds").path("steps"))
              .as("thresholds of " + where)
              .isNotEmpty();
        }
      }
    }
  }

  @Test
  void panelsStayInTheGridAndNeverOverlap() throws IOException {
    for (Path file : dashboards()) {
      List<int[]> boxes = new ArrayList<>();
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : panels(JSON.readTree(file.toFile()))) {
        JsonNode g = panel.path("gridPos");
        int x = g.path("x").asInt();
        int y = g.path("y").asInt();
        int w = g.path("w").asInt();
        int h = g.path("h").asInt();
        String where = file.getFileName() + ": " + panel.path("title").asText();
        assertThat(ids.add(panel.path("id").asInt())).as("unique id, " + where).isTrue();
        assertThat(w).as(where).isPositive();
        assertThat(h).as(where).isPositive();
        assertThat(x + w).as(where).isLessThanOrEqualTo(24);
        for (int[] other : boxes) {
          boolean apart =
              x + w <= other[0]
                  || other[0] + other[2] <= x
                  || y + h <= other[1]
                  || other[1] + other[3] <= y;
          assertThat(apart).as(where + " overlaps another panel").isTrue();
        }
        boxes.add(new int[] {x, y, w, h});
      }
    }
  }

  @Test
  void theIngestDashboardHasTheOldFiveRowsInOrder() throws IOException {
    JsonNode dashboard = JSON.readTree(DASHBOARDS.resolve("dx-ingest-monitoring.json").toFile());
    List<String> rows =
        panels(dashboard).stream()
            .filter(p -> p.path("type").asText().equals("row"))
            .map(p -> p.path("title").asText())
            .toList();

    assertThat(dashboard.path("title").asText()).isEqualTo("DX Ingest Monitoring");
    assertThat(rows)
        .containsExactly(
            "Host Status",
            "Scraper Status",
            "Database Status",
            "Web Servers and Container Status",
            "Prototype Queries");
    List<String> variables = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).containsExactly("instance", "node");
    // The old dashboard's own queries, kept as they were.
    String text = dashboard.toString();
    assertThat(text)
        .contains(
            "sum(rate(dx_scraper_spots_stored_total{instance=~\\\"$instance\\\"}[5m])) * 3600",
            "sum(dx_scraper_spots_total{instance=~\\\"$instance\\\"})",
            "FROM dx_spots");
  }

  @Test
  void theSpotsDashboardHasItsRowsAMapAndOnlyVariablesItDefines() throws IOException {
    JsonNode dashboard = JSON.readTree(DASHBOARDS.resolve("dx-spots.json").toFile());
    List<JsonNode> panels = panels(dashboard);
    List<String> variables = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));

    assertThat(dashboard.path("title").asText()).isEqualTo("DX Spots");
    assertThat(panels.stream().filter(p -> p.path("type").asText().equals("row")))
        .map(p -> p.path("title").asText())
        .containsExactly("Bands", "Where", "Newest", "Playground");
    assertThat(variables).containsExactly("band", "call");
    JsonNode map =
        panels.stream()
            .filter(p -> p.path("type").asText().equals("geomap"))
            .findFirst()
            .orElseThrow();
    JsonNode location = map.path("options").path("layers").get(0).path("location");
    String mapSql = map.path("targets").get(0).path("rawSql").asText();
    assertThat(location.path("mode").asText()).isEqualTo("coords");
    assertThat(mapSql)
        .contains(
            location.path("latitude").asText(), location.path("longitude").asText(), "dxcc_entity");
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        String sql = target.path("rawSql").asText();
        // Grafana leaves an unknown variable in the SQL, where PostgreSQL fails on it.
        Matcher used = Pattern.compile("\\$\\{?([a-z]+)").matcher(sql);
        while (used.find()) {
          assertThat(variables).as(panel.path("title").asText()).contains(used.group(1));
        }
        // A text box is quoted by Grafana only when the query asks for it.
        assertThat(sql).doesNotContain("'$call'", "= $call");
      }
    }
  }
}
