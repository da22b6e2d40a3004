package org.dxscraper.scraper.watch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
  /**
   * jackson-core's streaming writer, not databind's tree: an {@code ObjectMapper} loads about 600
   * classes more (3.3 MB of metaspace, measured), which the daemon otherwise needs only with {@code
   * --docker-host}.
   */
  private static final JsonFactory JSON = new JsonFactory();

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
    StringWriter body = new StringWriter();
    List<String> problems = new ArrayList<>();
    boolean healthy;
    try (JsonGenerator json = JSON.createGenerator(body)) {
      json.writeStartObject();
      json.writeObjectFieldStart("nodes");
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
        json.writeObjectFieldStart(node.getKey());
        json.writeStringField("state", status.state().name());
        json.writeStringField("software", status.software().name());
        json.writeStringField("address", status.address().map(Object::toString).orElse(""));
        json.writeBooleanField("stalled", stalled);
        json.writeStringField("lastSpotAt", text(node.getValue().lastSpotAt()));
        json.writeStringField("retryAt", text(status.retryAt().orElse(null)));
        json.writeEndObject();
      }
      json.writeEndObject();
      boolean writerStalled = watchdog.writerStalled();
      double up = databaseUp.getAsDouble();
      boolean databaseOk = Double.isNaN(up) || up > 0;
      json.writeObjectFieldStart("writer");
      json.writeBooleanField("stalled", writerStalled);
      json.writeNumberField("backlog", daemon.writer().backlog());
      json.writeStringField("lastCommitAt", text(daemon.writer().stats().lastCommitAt()));
      json.writeEndObject();
      json.writeObjectFieldStart("database");
      json.writeBooleanField("up", databaseOk);
      json.writeEndObject();
      Journal journal = daemon.journal();
      if (journal != null) {
        json.writeObjectFieldStart("journal");
        json.writeNumberField("bytes", journal.bytes());
        json.writeNumberField("written", journal.writtenSeq());
        json.writeNumberField("checkpoint", journal.checkpointSeq());
        json.writeEndObject();
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
      json.writeArrayFieldStart("problems");
      for (String problem : problems) {
        json.writeString(problem);
      }
      json.writeEndArray();
      healthy = problems.isEmpty();
      json.writeStringField("status", healthy ? "UP" : "DOWN");
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write /health's JSON into memory", e);
    }
    return new HealthReport(healthy, body.toString());
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
