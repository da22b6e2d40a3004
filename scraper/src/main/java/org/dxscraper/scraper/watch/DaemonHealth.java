package org.dxscraper.scraper.watch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.dxscraper.instrumentation.http.HealthReport;
import org.dxscraper.instrumentation.http.Json;
import org.dxscraper.scraper.cluster.NodeStatus;
import org.dxscraper.scraper.cluster.SessionState;
import org.dxscraper.scraper.ingest.Daemon;
import org.dxscraper.scraper.ingest.NodeIngestStats;
import org.dxscraper.scraper.store.Journal;

/**
 * The daemon's {@code /health}: healthy while at least one node is logged in, no node is stalled or
 * taken over by another client with our callsign, the writer is not stalled, and the database
 * answered its last sample. The body says which part is not: per node state, software, address,
 * whether stalled, the last spot's time and when the next connection attempt is due; then {@code
 * problems}, one sentence each.
 */
public final class DaemonHealth implements Supplier<HealthReport> {
  private final Daemon daemon;
  private final IngestWatchdog watchdog;
  private final DoubleSupplier databaseUp;

  /**
   * @param databaseUp 1 or 0 from the last database sample, NaN before the first (taken as up)
   */
  public DaemonHealth(Daemon daemon, IngestWatchdog watchdog, DoubleSupplier databaseUp) {
    this.daemon = Objects.requireNonNull(daemon, "daemon");
    this.watchdog = Objects.requireNonNull(watchdog, "watchdog");
    this.databaseUp = Objects.requireNonNull(databaseUp, "databaseUp");
  }

  @Override
  public HealthReport get() {
    StringBuilder json = new StringBuilder("{\"nodes\":{");
    List<String> problems = new ArrayList<>();
    boolean anyLoggedIn = false;
    String separator = "";
    for (Map.Entry<String, NodeIngestStats> node : daemon.pipeline().nodes().entrySet()) {
      NodeStatus status = daemon.clusterClient().status(node.getKey());
      boolean stalled = watchdog.nodeStalled(node.getKey());
      anyLoggedIn |= status.isLoggedIn();
      if (stalled) {
        problems.add(node.getKey() + ": stalled, no live spot for its stall timeout");
      }
      if (status.state() == SessionState.TAKEN_OVER) {
        problems.add(
            node.getKey()
                + ": another client logged in with our callsign; give each program its own SSID");
      }
      json.append(separator);
      Json.quote(json, node.getKey());
      json.append(":{\"state\":");
      Json.quote(json, status.state().name());
      json.append(",\"software\":");
      Json.quote(json, status.software().name());
      json.append(",\"address\":");
      Json.quote(json, status.address().map(Object::toString).orElse(""));
      json.append(",\"stalled\":").append(stalled);
      json.append(",\"lastSpotAt\":");
      instant(json, node.getValue().lastSpotAt());
      json.append(",\"retryAt\":");
      instant(json, status.retryAt().orElse(null));
      json.append('}');
      separator = ",";
    }
    boolean writerStalled = watchdog.writerStalled();
    double up = databaseUp.getAsDouble();
    boolean databaseOk = Double.isNaN(up) || up > 0;
    json.append("},\"writer\":{\"stalled\":").append(writerStalled);
    json.append(",\"backlog\":").append(daemon.writer().backlog());
    json.append(",\"lastCommitAt\":");
    instant(json, daemon.writer().stats().lastCommitAt());
    json.append("},\"database\":{\"up\":").append(databaseOk).append('}');
    Journal j = daemon.journal();
    if (j != null) {
      json.append(",\"journal\":{\"bytes\":").append(j.bytes());
      json.append(",\"written\":").append(j.writtenSeq());
      json.append(",\"checkpoint\":").append(j.checkpointSeq()).append('}');
    }
    if (!anyLoggedIn) {
      problems.add("no node logged in");
    }
    if (writerStalled) {
      problems.add("writer stalled: rows wait and nothing commits");
    }
    String writerProblem = daemon.writer().problem();
    if (writerProblem != null) {
      problems.add(writerProblem);
    }
    if (!databaseOk) {
      problems.add("database not answering");
    }
    Journal journal = daemon.journal();
    if (journal != null && journal.problem() != null) {
      problems.add(journal.problem());
    }
    json.append(",\"problems\":[");
    for (int i = 0; i < problems.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      Json.quote(json, problems.get(i));
    }
    json.append(']');
    boolean healthy = problems.isEmpty();
    json.append(",\"status\":").append(healthy ? "\"UP\"" : "\"DOWN\"").append('}');
    return new HealthReport(healthy, json.toString());
  }

  private static void instant(StringBuilder json, Instant instant) {
    if (instant == null) {
      json.append("null");
    } else {
      Json.quote(json, instant.toString());
    }
  }
}
