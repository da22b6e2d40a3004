package org.dxscraper.scraper.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.dxscraper.instrumentation.container.DockerHost;
import org.dxscraper.instrumentation.host.HostPaths;
import org.dxscraper.instrumentation.probe.ProbeTarget;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.enrich.CtyDat;
import org.dxscraper.scraper.metrics.Instrumentation;
import org.dxscraper.scraper.store.Journal;
import org.dxscraper.scraper.store.PartitionKeeper;
import org.dxscraper.scraper.store.SpotWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code dx-scraper run}: the daemon. Runs until SIGTERM or SIGINT, then exits 0. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Logs in to the given cluster nodes and stores every spot, WWV/WCY report and"
          + " announcement in PostgreSQL (embedded under --data-dir unless --db-url names a"
          + " server). Stops on SIGTERM or Ctrl-C after storing what it received."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  # Two nodes, the embedded PostgreSQL under ./dx-scraper-data:",
      "  dx-scraper run --callsign N0CALL --node nc7j=dxc.nc7j.com:7373 \\",
      "      --node rbn=telnet.reversebeacon.net:7000 --node-init rbn=set/skimmer",
      "  # A PostgreSQL server as the writer role, metrics for a Prometheus elsewhere:",
      "  dx-scraper run --callsign N0CALL --node nc7j=dxc.nc7j.com:7373 \\",
      "      --db-url jdbc:postgresql://db.lan:5432/dx --db-user dx_scraper_writer \\",
      "      --db-password-file /run/secrets/dx-db --metrics-listen 0.0.0.0:9464"
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  /**
   * --retain's default on the embedded database, which shares the daemon's disk: a quarter of a
   * year, about 2.6 GB at a busy node's 100,000 spots a day (README, "Sizing").
   */
  static final int EMBEDDED_RETAIN_DAYS = 90;

  private static final int MAX_DAEMON_NAME = 63;

  @Option(
      names = "--callsign",
      paramLabel = "CALL",
      description = "Your callsign, sent at the node's login prompt. Required.")
  String callsign;

  @Option(
      names = "--node",
      paramLabel = "NAME=HOST:PORT[,HOST:PORT...]",
      description =
          "A cluster node to log in to, with optional fallback addresses tried in turn; repeat"
              + " for several nodes. Required.")
  List<String> nodes;

  @Option(
      names = "--node-password-file",
      paramLabel = "FILE",
      description = "Password for nodes that ask for one (first line of FILE); never logged.")
  Path nodePasswordFile;

  @Option(
      names = "--init-command",
      paramLabel = "COMMAND",
      split = ";",
      description =
          "Command sent to every node after login; repeat or separate with ';'"
              + " (default: set/page 0).")
  List<String> initCommands;

  @Option(
      names = "--node-init",
      paramLabel = "NAME=CMD[;CMD...]",
      split = ",",
      description =
          "Commands for one node after login, instead of --init-command's; repeat for several"
              + " nodes, e.g. --node-init rbn=set/skimmer.")
  List<String> nodeInits;

  @Option(
      names = "--login-timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long a login may take from connect to the node's prompt (default: 60s).")
  Duration loginTimeout;

  @Option(
      names = "--keepalive-after",
      paramLabel = "DURATION",
      defaultValue = "45s",
      converter = DurationConverter.class,
      description =
          "After this long without a byte from a logged-in node, send it an empty line (it answers"
              + " with a prompt); 0 turns the probe off (default: 45s).")
  Duration keepaliveAfter;

  @Option(
      names = "--keepalive-timeout",
      paramLabel = "DURATION",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description =
          "No answer to that probe within this long: the connection is dead, reconnect"
              + " (default: 15s).")
  Duration keepaliveTimeout;

  @Option(
      names = "--takeover-wait",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "Wait after another client took the session over with the same callsign; doubles with"
              + " every takeover in a row, up to 2h (default: 10m).")
  Duration takeoverWait;

  @Option(
      names = "--backfill",
      paramLabel = "SPOTS",
      defaultValue = "100",
      description =
          "After a gap, ask each node for up to this many missed spots (sh/dx N, sized from the"
              + " gap and the node's rate); 0 never asks (default: ${DEFAULT-VALUE}).")
  int backfill;

  @Option(
      names = "--node-backfill",
      paramLabel = "NAME=SPOTS",
      split = ",",
      description = "--backfill for one node instead; repeat for several nodes, e.g. rbn=0.")
  List<String> nodeBackfills;

  @Option(
      names = "--backfill-at-start",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Ask for history at the first login too, for spots missed while the daemon was stopped"
              + " or restarting (default: on; the journal keeps what was read, this brings back"
              + " what was still on its way).")
  boolean backfillAtStart;

  @Option(
      names = "--cty",
      paramLabel = "FILE",
      defaultValue = "/usr/share/hamradio-files/cty.dat",
      description =
          "cty.dat for DXCC entity, continent and CQ zone; without it those columns stay empty"
              + " (default: ${DEFAULT-VALUE}, Debian package hamradio-files).")
  Path cty;

  @Option(
      names = "--batch-size",
      paramLabel = "ROWS",
      defaultValue = "1000",
      description = "Rows per database transaction at most (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--batch-age",
      paramLabel = "DURATION",
      defaultValue = "20ms",
      converter = DurationConverter.class,
      description =
          "The longest a row waits for others before its batch is written (default: 20ms); with"
              + " the journal, a batch that holds every row of the nodes' last read goes at once (a"
              + " busy node is read every 200 ms).")
  Duration batchAge;

  @Option(
      names = "--max-backlog",
      paramLabel = "ROWS",
      // 10,000 rows is ten full batches: the writer never waits for rows, the live set while a
      // backlog drains stays within the old generation of jvm.options' 48 MB heap (24 MB; at most
      // 20 MB were live, docs/BENCHMARKS.md "Memory"; 100,000 filled a 32 MB heap at 10,000
      // spots/s), and the journal holds the rest on disk.
      defaultValue = "10000",
      description =
          "Rows held in memory for the database at most. Past it, new lines wait in the journal"
              + " (without one: reading from the nodes pauses); below a fifth of it they flow"
              + " again (default: ${DEFAULT-VALUE}).")
  int maxBacklog;

  @Option(
      names = "--journal",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Write every line to a journal under DATA-DIR/journal before parsing it, so that a crash,"
              + " a kill or a database outage loses nothing (default: on; --no-journal keeps"
              + " unsaved rows in memory only).")
  boolean journal;

  @Option(
      names = "--journal-max-size",
      paramLabel = "SIZE",
      defaultValue = "1GiB",
      converter = ByteSizeConverter.class,
      description =
          "Journal size at which reading from the nodes pauses until the database catches up"
              + " (default: ${DEFAULT-VALUE}: about 8 million lines, 4.5 h of outage at 500"
              + " spots/s).")
  long journalMaxSize;

  @Option(
      names = "--journal-segment-size",
      paramLabel = "SIZE",
      defaultValue = "16MiB",
      converter = ByteSizeConverter.class,
      description =
          "Size of one journal file; committed files are deleted whole (default: ${DEFAULT-VALUE}).")
  long journalSegmentSize;

  @Option(
      names = "--journal-sync-interval",
      paramLabel = "DURATION",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      description =
          "The longest a line waits to be durable, committed to the database or flushed to disk"
              + " in the journal (fsync): with one fsync, the most a power loss can take (default:"
              + " 100ms). A process crash or kill loses nothing either way.")
  Duration journalSyncInterval;

  @Option(
      names = "--journal-min-free",
      paramLabel = "SIZE",
      defaultValue = "64MiB",
      converter = ByteSizeConverter.class,
      description =
          "Free space to leave on the journal's file system: below it reading pauses"
              + " (default: ${DEFAULT-VALUE}).")
  long journalMinFree;

  @Option(
      names = "--retain",
      paramLabel = "DURATION|forever",
      description = {
        "How long to keep spots, solar reports and announcements: whole weekly (spots) or monthly"
            + " partitions older than this are dropped, rows are never deleted one by one. At"
            + " least 2d, e.g. 90d or 52w.",
        "Default: forever with --db-url; " + EMBEDDED_RETAIN_DAYS + "d on the embedded PostgreSQL."
      })
  String retain;

  @Option(
      names = "--daemon-name",
      paramLabel = "NAME",
      description =
          "Stored with every row this daemon writes (column daemon) and exported as"
              + " dx_scraper_daemon_info{daemon}: which of several redundant daemons stored what"
              + " (default: the host name).")
  String daemonName;

  @Option(
      names = "--status-every",
      paramLabel = "DURATION",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description = "How often to log the status line (default: 1m).")
  Duration statusEvery;

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9464",
      description = {
        "Where to serve /metrics (Prometheus) and /health; port 0 picks a free one.",
        "Default: ${DEFAULT-VALUE}"
      })
  String metricsListen;

  @Option(
      names = "--stall-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "A logged-in node that sends no spot for this long is stalled (and so is a writer with"
              + " rows waiting). Default by node software: RBN 2m, other clusters 15m; writer 2m.")
  Duration stallTimeout;

  @Option(
      names = "--probe",
      paramLabel = "NAME=URL",
      split = ",",
      description =
          "A port or web page to watch: NAME=tcp://HOST:PORT or NAME=http(s)://URL; repeatable."
              + " Reported as probe_success, probe_duration_seconds, probe_http_status_code.")
  List<String> probes;

  @Option(
      names = "--docker-host",
      paramLabel = "URL",
      description = {
        "Docker Engine API for container status, e.g.",
        "unix:///var/run/docker.sock",
        "or tcp://HOST:PORT of a read-only socket proxy. Without it, no container metrics."
      })
  String dockerHost;

  @Option(
      names = "--host-procfs",
      paramLabel = "DIR",
      defaultValue = "/proc",
      description =
          "The host's /proc, as node_exporter's --path.procfs: in a container with the host's"
              + " /proc mounted read-only, e.g. /host/proc, so that node_* describe the host"
              + " (default: ${DEFAULT-VALUE}).")
  Path hostProcfs;

  @Option(
      names = "--host-sysfs",
      paramLabel = "DIR",
      defaultValue = "/sys",
      description = "The host's /sys, as node_exporter's --path.sysfs (default: ${DEFAULT-VALUE}).")
  Path hostSysfs;

  @Option(
      names = "--host-rootfs",
      paramLabel = "DIR",
      defaultValue = "/",
      description =
          "Where the host's / is mounted, as node_exporter's --path.rootfs: file systems are"
              + " measured under it and labelled with the host's mount points"
              + " (default: ${DEFAULT-VALUE}).")
  Path hostRootfs;

  @Mixin DatabaseOptions database;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    List<NodeConfig> nodeConfigs = nodeConfigs();
    ConnectionPolicy policy = connectionPolicy();
    if (stallTimeout != null && (stallTimeout.isZero() || stallTimeout.isNegative())) {
      throw new ParameterException(
          spec.commandLine(), "--stall-timeout must be positive, got " + stallTimeout);
    }
    SpotWriter.Settings settings = writerSettings();
    Journal.Settings journalSettings = journalSettings();
    CtyDat ctyDat = loadCty();
    Instrumentation.Settings instrumentationSettings = instrumentationSettings();
    Duration retention = retention();
    log.info(
        "run: callsign {}, {} node(s), batches of up to {} rows or {} ms, status every {},"
            + " daemon name {}, keeping rows {}",
        callsign,
        nodeConfigs.size(),
        settings.batchSize(),
        settings.batchAge().toMillis(),
        statusEvery,
        settings.daemonName(),
        retention == null ? "forever" : "for " + retention.toDays() + " days");
    ScraperService.start(
        new ScraperService.Config(
            database.toConfig(),
            nodeConfigs,
            policy,
            settings,
            journalSettings,
            ctyDat,
            instrumentationSettings,
            stallTimeout,
            statusEvery,
            retention));
    new CountDownLatch(1).await();
    return 0;
  }

  List<NodeConfig> nodeConfigs() {
    if (callsign == null || callsign.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--callsign is required (or DX_SCRAPER_CALLSIGN)");
    }
    if (nodes == null || nodes.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "at least one --node NAME=HOST:PORT is required (or DX_SCRAPER_NODE)");
    }
    String password =
        nodePasswordFile == null
            ? null
            : SecretFiles.firstLine(spec, "--node-password-file", nodePasswordFile);
    Map<String, List<String>> perNode = perNodeInitCommands();
    Map<String, Integer> backfills = perNodeBackfill();
    List<NodeConfig> configs = new ArrayList<>();
    for (String node : nodeSpecs()) {
      try {
        NodeConfig config = NodeConfig.parse(node, callsign.strip()).withLoginTimeout(loginTimeout);
        Integer nodeBackfill = backfills.remove(config.name());
        config = config.withBackfillMax(nodeBackfill != null ? nodeBackfill : backfill);
        if (password != null) {
          config = config.withPassword(password);
        }
        if (perNode.containsKey(config.name())) {
          config = config.withInitCommands(perNode.remove(config.name()));
        } else if (initCommands != null && !initCommands.isEmpty()) {
          config = config.withInitCommands(initCommands.stream().map(String::strip).toList());
        }
        configs.add(config);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--node " + node + ": " + e.getMessage());
      }
    }
    Set<String> names = new HashSet<>();
    for (NodeConfig config : configs) {
      if (!names.add(config.name())) {
        throw new ParameterException(
            spec.commandLine(),
            "--node names must be unique, got '"
                + config.name()
                + "' twice: give each node its own NAME=");
      }
    }
    if (!perNode.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--node-init names no configured --node: " + perNode.keySet());
    }
    if (!backfills.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--node-backfill names no configured --node: " + backfills.keySet());
    }
    return configs;
  }

  /**
   * One {@code NAME=HOST:PORT[,HOST:PORT...]} per node. Commas separate both nodes (several in one
   * environment variable) and a node's fallback addresses: a piece with '=' starts a node, a piece
   * without one is another address of the node before it.
   */
  private List<String> nodeSpecs() {
    List<String> specs = new ArrayList<>();
    for (String piece : String.join(",", nodes).split(",")) {
      String part = piece.strip();
      if (part.isEmpty()) {
        continue;
      }
      if (part.indexOf('=') < 0 && !specs.isEmpty()) {
        specs.set(specs.size() - 1, specs.get(specs.size() - 1) + "," + part);
      } else {
        specs.add(part);
      }
    }
    return specs;
  }

  /** --node-backfill NAME=N: node name to its backfill limit. */
  private Map<String, Integer> perNodeBackfill() {
    Map<String, Integer> perNode = new LinkedHashMap<>();
    for (String given : nodeBackfills == null ? List.<String>of() : nodeBackfills) {
      int equals = given.indexOf('=');
      try {
        if (equals <= 0) {
          throw new NumberFormatException();
        }
        perNode.put(
            given.substring(0, equals).strip(),
            Integer.parseInt(given.substring(equals + 1).strip()));
      } catch (NumberFormatException e) {
        throw new ParameterException(
            spec.commandLine(), "--node-backfill must be NAME=SPOTS, got '" + given + "'");
      }
    }
    return perNode;
  }

  ConnectionPolicy connectionPolicy() {
    try {
      ConnectionPolicy defaults = ConnectionPolicy.DEFAULT;
      return defaults
          .withProbe(keepaliveAfter, keepaliveTimeout)
          .withTakeoverWait(
              takeoverWait,
              takeoverWait.compareTo(defaults.maxTakeoverWait()) > 0
                  ? takeoverWait
                  : defaults.maxTakeoverWait())
          .withBackfillAtStart(backfillAtStart);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** --node-init NAME=CMD;CMD: node name to its commands. */
  private Map<String, List<String>> perNodeInitCommands() {
    Map<String, List<String>> perNode = new LinkedHashMap<>();
    for (String spec : nodeInits == null ? List.<String>of() : nodeInits) {
      int equals = spec.indexOf('=');
      if (equals <= 0) {
        throw new ParameterException(
            this.spec.commandLine(), "--node-init must be NAME=CMD[;CMD...], got '" + spec + "'");
      }
      List<String> commands =
          Arrays.stream(spec.substring(equals + 1).split(";"))
              .map(String::strip)
              .filter(c -> !c.isEmpty())
              .toList();
      perNode.put(spec.substring(0, equals).strip(), commands);
    }
    return perNode;
  }

  Instrumentation.Settings instrumentationSettings() {
    try {
      List<ProbeTarget> targets =
          probes == null ? List.of() : probes.stream().map(ProbeTarget::parse).toList();
      return new Instrumentation.Settings(
          metricsAddress(),
          VersionProvider.version(),
          targets,
          dockerHost == null || dockerHost.isBlank() ? null : DockerHost.parse(dockerHost),
          new HostPaths(hostProcfs, hostSysfs, hostRootfs));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private InetSocketAddress metricsAddress() {
    int colon = metricsListen.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      String host = metricsListen.substring(0, colon).replace("[", "").replace("]", "");
      return new InetSocketAddress(host, Integer.parseInt(metricsListen.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--metrics-listen must be HOST:PORT, got '" + metricsListen + "'");
    }
  }

  /** Null with --no-journal. */
  private Journal.Settings journalSettings() {
    if (!journal) {
      return null;
    }
    try {
      return new Journal.Settings(
          database.toConfig().journalDir(),
          journalSegmentSize,
          journalMaxSize,
          journalSyncInterval,
          journalMinFree);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--journal-*: " + e.getMessage());
    }
  }

  /** --retain, or its default: null keeps everything. */
  Duration retention() {
    if (retain == null || retain.isBlank()) {
      return database.toConfig().embedded() ? Duration.ofDays(EMBEDDED_RETAIN_DAYS) : null;
    }
    if (retain.strip().equalsIgnoreCase("forever")) {
      return null;
    }
    Duration duration;
    try {
      duration = new DurationConverter().convert(retain);
    } catch (TypeConversionException e) {
      throw new ParameterException(
          spec.commandLine(), "--retain: " + e.getMessage() + ", or forever");
    }
    if (duration.compareTo(PartitionKeeper.MIN_RETAIN) < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--retain must be at least 2d (the newest partitions are never dropped), got " + retain);
    }
    return duration;
  }

  /** --daemon-name, or the host name; checked, since it goes into rows and a metric label. */
  String daemonName() {
    String name = daemonName == null || daemonName.isBlank() ? hostName() : daemonName.strip();
    if (name.length() > MAX_DAEMON_NAME || !name.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
      throw new ParameterException(
          spec.commandLine(),
          "--daemon-name must be 1 to "
              + MAX_DAEMON_NAME
              + " printable ASCII characters without spaces, got '"
              + name
              + "'");
    }
    return name;
  }

  private static String hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      if (name != null && !name.isBlank()) {
        return name;
      }
    } catch (UnknownHostException e) {
      // below
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "dx-scraper" : env.strip();
  }

  private SpotWriter.Settings writerSettings() {
    try {
      SpotWriter.Settings d = SpotWriter.Settings.DEFAULTS;
      if (maxBacklog < 10) {
        throw new IllegalArgumentException("--max-backlog must be at least 10, got " + maxBacklog);
      }
      return new SpotWriter.Settings(
          batchSize, batchAge, maxBacklog, maxBacklog / 5, d.shutdownGrace(), daemonName());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private CtyDat loadCty() {
    try {
      return CtyDat.loadIfPresent(cty).orElse(null);
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(), "--cty " + cty + " cannot be read: " + e.getMessage());
    }
  }
}
