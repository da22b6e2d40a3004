package org.dxscraper.instrumentation.container;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every container's status: {@code GET /containers/json?all=true} for names and states, then
 * {@code GET /containers/{id}/json} per container for health and restart count, which the list does
 * not carry. Used by one thread at a time.
 *
 * <p>API version: a client pinned to an old version breaks on new engines (Docker 29 refuses
 * anything below 1.44), and an unversioned path is deprecated. So the client asks the engine
 * ({@code GET /_ping}, whose {@code Api-Version} header both dockerd and podman send) and speaks
 * its newest version; the fields read here have not changed since API 1.24. After any failure it
 * asks again, in case the engine was upgraded meanwhile.
 */
final class DockerEngineClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DockerEngineClient.class);
  private static final Pattern API_VERSION = Pattern.compile("1\\.[0-9]{1,3}");

  private final EngineTransport transport;
  private String versionPrefix;

  DockerEngineClient(EngineTransport transport) {
    this.transport = transport;
  }

  /**
   * The status of every container, in the engine's order. A container removed between the list and
   * its inspection is left out.
   *
   * @throws IOException if the engine cannot be reached or answers with an error
   */
  List<ContainerStatus> containers() throws IOException, InterruptedException {
    try {
      return readContainers();
    } catch (IOException e) {
      versionPrefix = null;
      throw e;
    }
  }

  private List<ContainerStatus> readContainers() throws IOException, InterruptedException {
    if (versionPrefix == null) {
      versionPrefix = negotiateVersion();
    }
    byte[] list = ok(transport.get(versionPrefix + "/containers/json?all=true"), "list containers");
    List<ContainerStatus> statuses = new ArrayList<>();
    for (ContainerJson.Listed listed : ContainerJson.parseList(list)) {
      EngineResponse inspect =
          transport.get(versionPrefix + "/containers/" + listed.id() + "/json");
      if (inspect.status() == 404) {
        log.debug("container {} vanished between list and inspect", listed.name());
        continue;
      }
      ContainerJson.Inspected details =
          ContainerJson.parseInspect(ok(inspect, "inspect container " + listed.name()));
      statuses.add(
          new ContainerStatus(
              listed.name(),
              ContainerState.fromEngine(listed.state()),
              listed.state(),
              details.health(),
              details.restartCount()));
    }
    return statuses;
  }

  private String negotiateVersion() throws IOException, InterruptedException {
    EngineResponse ping = transport.get("/_ping");
    ok(ping, "ping");
    String version = ping.header("Api-Version");
    if (version == null || !API_VERSION.matcher(version.strip()).matches()) {
      log.debug("engine sent no usable Api-Version ({}); using unversioned paths", version);
      return "";
    }
    log.debug("speaking engine API {}", version.strip());
    return "/v" + version.strip();
  }

  private static byte[] ok(EngineResponse response, String what) throws IOException {
    if (response.status() != 200) {
      throw new IOException(what + ": HTTP " + response.status() + " " + response.bodyExcerpt());
    }
    return response.body();
  }

  @Override
  public void close() {
    transport.close();
  }
}
