package org.dxscraper.instrumentation.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping from engine answers to meters, against an engine played by {@link ScriptedEngine}.
 * The real engine is {@code PodmanEngineIT}'s.
 */
class ContainerMetricsTest {

  private final ScriptedEngine engine = new ScriptedEngine();
  private PrometheusMeterRegistry registry;
  private ContainerMetrics metrics;

  @BeforeEach
  void bind() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics =
        new ContainerMetrics(
            DockerHost.parse("unix:///run/test.sock"), ContainerSettings.defaults(), engine);
    metrics.bindTo(registry);
  }

  @AfterEach
  void close() {
    metrics.close();
    registry.close();
  }

  @Test
  void exposesStateHealthAndRestartsUnderDocumentedNames() {
    engine.container("c1", "/web", "running", "healthy", 2);
    engine.container("c2", "/db", "exited", "", 0);

    metrics.refreshNow();
    String scrape = registry.scrape();

    assertThat(scrape)
        .contains("container_engine_up 1.0")
        .contains("container_running{name=\"web\"} 1.0")
        .contains("container_running{name=\"db\"} 0.0")
        .contains("container_state{name=\"web\",state=\"running\"} 1.0")
        .contains("container_state{name=\"web\",state=\"exited\"} 0.0")
        .contains("container_state{name=\"db\",state=\"exited\"} 1.0")
        .contains("container_health{health=\"healthy\",name=\"web\"} 1.0")
        .contains("container_health{health=\"none\",name=\"db\"} 1.0")
        .contains("container_health{health=\"unhealthy\",name=\"db\"} 0.0")
        .contains("# TYPE container_restarts_total counter")
        .contains("container_restarts_total{name=\"web\"} 2.0");
    assertThat(engine.requests)
        .containsExactly(
            "/_ping",
            "/v1.44/containers/json?all=true",
            "/v1.44/containers/c1/json",
            "/v1.44/containers/c2/json");
  }

  @Test
  void followsStateChangesAndRemovesMetersOfRemovedContainers() {
    engine.container("c1", "/web", "running", "", 0);
    engine.container("c2", "/db", "running", "", 0);
    metrics.refreshNow();

    engine.remove("c2");
    engine.container("c1", "/web", "restarting", "", 1);
    metrics.refreshNow();

    assertThat(gauge("container_state", "web", "state", "restarting")).isEqualTo(1.0);
    assertThat(gauge("container_state", "web", "state", "running")).isEqualTo(0.0);
    assertThat(registry.get("container_restarts").tag("name", "web").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(registry.find("container_running").tag("name", "db").gauges()).isEmpty();
    assertThat(registry.scrape()).doesNotContain("name=\"db\"");
  }

  @Test
  void skipsContainerRemovedBetweenListAndInspect() {
    engine.container("c1", "/web", "running", "", 0);
    engine.listOnly("c9", "/gone", "exited");

    metrics.refreshNow();

    assertThat(registry.find("container_running").gauges()).hasSize(1);
    assertThat(gauge("container_engine_up")).isEqualTo(1.0);
  }

  @Test
  void reportsEngineDownAndDropsContainerSeriesUntilItAnswers() {
    engine.container("c1", "/web", "running", "", 0);
    metrics.refreshNow();

    engine.down = true;
    metrics.refreshNow();

    assertThat(gauge("container_engine_up")).isEqualTo(0.0);
    assertThat(registry.find("container_state").gauges()).isEmpty();

    engine.down = false;
    engine.requests.clear();
    metrics.refreshNow();

    assertThat(gauge("container_engine_up")).isEqualTo(1.0);
    assertThat(gauge("container_running", "web")).isEqualTo(1.0);
    // After a failure the version is asked again: the engine may have been upgraded.
    assertThat(engine.requests).first().isEqualTo("/_ping");
  }

  @Test
  void reportsEngineDownWhenItAnswersWithAnError() {
    engine.listStatus = 500;

    metrics.refreshNow();

    assertThat(gauge("container_engine_up")).isEqualTo(0.0);
  }

  @Test
  void reportsUnknownStateAsAllZero() {
    engine.container("c1", "/odd", "hibernating", "", 0);

    metrics.refreshNow();

    assertThat(registry.find("container_state").tag("name", "odd").gauges())
        .hasSize(7)
        .allSatisfy(g -> assertThat(g.value()).isEqualTo(0.0));
  }

  @Test
  void usesUnversionedPathsWhenEngineNamesNoVersion() {
    engine.apiVersion = null;
    engine.container("c1", "/web", "running", "", 0);

    metrics.refreshNow();

    assertThat(engine.requests).contains("/containers/json?all=true");
    assertThat(gauge("container_running", "web")).isEqualTo(1.0);
  }

  @Test
  void engineUpIsNaNBeforeFirstRefresh() {
    assertThat(gauge("container_engine_up")).isNaN();
  }

  @Test
  void firstRefreshRunsOnTheSchedulerAtOnce() throws Exception {
    engine.container("c1", "/web", "running", "", 0);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      metrics.start(scheduler);
      // A single-thread scheduler runs tasks due at the same time in submission order, so this
      // returns once the first refresh, scheduled with no delay, has finished.
      scheduler.schedule(() -> {}, 0, TimeUnit.NANOSECONDS).get(10, TimeUnit.SECONDS);

      assertThat(gauge("container_running", "web")).isEqualTo(1.0);
    } finally {
      scheduler.shutdownNow();
    }
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double gauge(String name, String container) {
    return registry.get(name).tag("name", container).gauge().value();
  }

  private double gauge(String name, String container, String key, String value) {
    return registry.get(name).tag("name", container).tag(key, value).gauge().value();
  }

  /** Answers like an engine whose containers the test sets; records the paths asked for. */
  private static final class ScriptedEngine implements EngineTransport {
    final List<String> requests = new ArrayList<>();
    // By id, in list order; a container only in the list plays one removed after the list.
    final Map<String, String> listed = new LinkedHashMap<>();
    final Map<String, String> inspected = new HashMap<>();
    String apiVersion = "1.44";
    boolean down;
    int listStatus = 200;

    void container(String id, String name, String state, String health, int restarts) {
      listOnly(id, name, state);
      inspected.put(
          id,
          """
          {"Id": "%s", "Name": "%s", "RestartCount": %d,
           "State": {"Status": "%s", "Health": {"Status": "%s"}}}
          """
              .formatted(id, name, restarts, state, health));
    }

    void listOnly(String id, String name, String state) {
      listed.put(
          id,
          "{\"Id\": \"%s\", \"Names\": [\"%s\"], \"State\": \"%s\"}".formatted(id, name, state));
    }

    void remove(String id) {
      listed.remove(id);
      inspected.remove(id);
    }

    @Override
    public EngineResponse get(String path) throws IOException {
      requests.add(path);
      if (down) {
        throw new ConnectException("Connection refused");
      }
      if (path.equals("/_ping")) {
        Map<String, String> headers =
            apiVersion == null ? Map.of() : Map.of("api-version", apiVersion);
        return new EngineResponse(200, headers, bytes("OK"));
      }
      String prefix = apiVersion == null ? "" : "/v" + apiVersion;
      if (path.equals(prefix + "/containers/json?all=true")) {
        String list = "[" + String.join(",", listed.values()) + "]";
        return answer(listStatus, listStatus == 200 ? list : "{\"message\": \"boom\"}");
      }
      for (Map.Entry<String, String> c : inspected.entrySet()) {
        if (path.equals(prefix + "/containers/" + c.getKey() + "/json")) {
          return answer(200, c.getValue());
        }
      }
      return answer(404, "{\"message\": \"no such container\"}");
    }

    private static EngineResponse answer(int status, String body) {
      return new EngineResponse(status, Map.of(), bytes(body));
    }

    private static byte[] bytes(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {}
  }
}
