package org.dxscraper.scraper.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.dxscraper.instrumentation.http.HealthReport;
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
  private static final ObjectMapper JSON = new ObjectMapper();

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
    ObjectNode body = JSON.createObjectNode();
    ObjectNode nodes = body.putObject("nodes");
    List<String> problems = new ArrayList<>();
    boolean anyLoggedIn = false;
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
      ObjectNode entry = nodes.putObject(node.getKey());
      entry.put("state", status.state().name());
      entry.put("software", status.software().name());
      entry.put("address", status.address().map(Object::toString).orElse(""));
      entry.put("stalled", stalled);
      entry.put("lastSpotAt", text(node.getValue().lastSpotAt()));
      entry.put("retryAt", text(status.retryAt().orElse(null)));
    }
    boolean writerStalled = watchdog.writerStalled();
    double up = databaseUp.getAsDouble();
    boolean databaseOk = Double.isNaN(up) || up > 0;
    ObjectNode writer = body.putObject("writer");
    writer.put("stalled", writerStalled);
    writer.put("backlog", daemon.writer().backlog());
    writer.put("lastCommitAt", text(daemon.writer().stats().lastCommitAt()));
    body.putObject("database").put("up", databaseOk);
    Journal journal = daemon.journal();
    if (journal != null) {
      ObjectNode j = body.putObject("journal");
      j.put("bytes", journal.bytes());
      j.put("written", journal.writtenSeq());
      j.put("checkpoint", journal.checkpointSeq());
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
    String givenUp = daemon.writer().batchGivenUp();
    if (givenUp != null) {
      problems.add(givenUp);
    }
    if (!databaseOk) {
      problems.add("database not answering");
    }
    if (journal != null && journal.problem() != null) {
      problems.add(journal.problem());
    }
    ArrayNode list = body.putArray("problems");
    problems.forEach(list::add);
    boolean healthy = problems.isEmpty();
    body.put("status", healthy ? "UP" : "DOWN");
    return new HealthReport(healthy, body.toString());
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
