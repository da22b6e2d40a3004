package org.dxscraper.scraper.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.dxscraper.scraper.simulate.SentLine;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dx-scraper simulate}: a loopback cluster node that speaks like DXSpider, for trying the
 * daemon without a real node and for tests. Prints every broadcast line it sends to stdout.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a cluster node on HOST:PORT that behaves like DXSpider (login: prompt, set/page,"
          + " unset/beep, set/width, sh/dx, bye; a second login with the same call disconnects"
          + " the first) and broadcasts spots to every logged-in client."
          + " Every line it broadcasts is printed to stdout. Stop it with Ctrl-C.",
      "With several --listen addresses it runs that many nodes, SIM-1, SIM-2, ..., each with its"
          + " own spots (seed, seed + 1, ...)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  dx-scraper simulate --listen 127.0.0.1:7300 --rate 20 > sent.txt",
      "  dx-scraper simulate --silent-after 500   # then silent, socket open: a stall",
      "  # Two nodes, each sending its own 50000 spots as fast as its client reads:",
      "  dx-scraper simulate --blast --count 50000 \\",
      "      --listen 127.0.0.1:7301 --listen 127.0.0.1:7302 > sent.txt"
    })
final class SimulateCommand implements Callable<Integer> {
  /** How long a stop waits for the lines already sent to be printed. */
  private static final Duration PRINT_DRAIN = Duration.ofSeconds(2);

  /**
   * How often the printer takes what was sent. Woken whenever it had caught up instead (a blocking
   * queue's poll), a blast of 200,000 spots cost about 40,000 context switches on each side: the
   * node's event loop and printer took 108 ticks of 10 ms in 2.5 s, twice what the daemon reading
   * the same lines took (docs/BENCHMARKS.md). At idle this is 50 cheap wake-ups a second.
   */
  private static final Duration PRINT_PACE = Duration.ofMillis(20);

  /** How often a blast looks whether every node has its client. */
  private static final Duration LOGIN_POLL = Duration.ofMillis(10);

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:7300",
      split = ",",
      description = {
        "Where to listen; port 0 picks a free one. Repeat (or separate with ',') for more nodes.",
        "Default: ${DEFAULT-VALUE}"
      })
  List<String> listen;

  @Option(
      names = "--rate",
      paramLabel = "SPOTS_PER_S",
      defaultValue = "10",
      description =
          "Spots per second while a client is logged in, or all the time with"
              + " --spot-without-clients (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "0",
      description = "Stop broadcasting after N spots; 0 never stops (default: ${DEFAULT-VALUE}).")
  long count;

  @Option(
      names = "--blast",
      defaultValue = "false",
      description =
          "Send the --count spots as fast as the client reads them, ignoring --rate; they are"
              + " made before the node listens, and every node starts when the last one has a"
              + " client (for benchmarks; default: ${DEFAULT-VALUE}).")
  boolean blast;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed for calls, frequencies and comments (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--calls",
      paramLabel = "FILE",
      description =
          "Calls to spot, one per line (default: Debian's hamradio-files MASTER.SCP when"
              + " installed, else generated calls).")
  Path callsFile;

  @Option(
      names = "--spot-without-clients",
      defaultValue = "false",
      description =
          "Keep spotting while no client is logged in; the spots go into the sh/dx history, so a"
              + " client that reconnects can backfill them (default: ${DEFAULT-VALUE}).")
  boolean spotWithoutClients;

  @Option(
      names = "--extra-one-in",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "After about one spot in N, also a WWV, WCY or announcement line: 50 is a human"
              + " cluster's mix; a feed of hundreds of spots/s sends a few such lines an hour."
              + " 0 never (default: ${DEFAULT-VALUE}).")
  int extraOneIn;

  @Option(
      names = "--print-times",
      description =
          "Print each line after the time it was sent, in microseconds since the epoch, and a tab:"
              + " for measuring how long a line takes from the node to the database.")
  boolean printTimes;

  @Option(
      names = "--silent-after",
      paramLabel = "N",
      defaultValue = "0",
      description = "Misbehave: after N spots a client gets nothing more, socket left open.")
  long silentAfter;

  @Option(
      names = "--close-after",
      paramLabel = "N",
      defaultValue = "0",
      description = "Misbehave: close a client's connection after N spots.")
  long closeAfter;

  @Option(
      names = "--garbage-every",
      paramLabel = "N",
      defaultValue = "0",
      description = "Misbehave: every Nth line is random bytes.")
  long garbageEvery;

  @Option(
      names = "--overlong-every",
      paramLabel = "N",
      defaultValue = "0",
      description = "Misbehave: every Nth line is 5000 bytes long.")
  long overlongEvery;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    List<SimulatorOptions> nodes = new ArrayList<>();
    for (int i = 0; i < listen.size(); i++) {
      nodes.add(options(listen.get(i)).withSeed(seed + i).withNodeCall("SIM-" + (i + 1)));
    }
    // The listeners run on the nodes' event loops: they only queue, this thread prints.
    Queue<Printed> printQueue = new ConcurrentLinkedQueue<>();
    InstantSource clock = InstantSource.system();
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch printed = new CountDownLatch(1);
    List<SimulatorServer> servers = new ArrayList<>();
    Object holdLock = new Object();
    AtomicBoolean stopping = new AtomicBoolean();
    try {
      for (SimulatorOptions options : nodes) {
        SimulatorServer server = new SimulatorServer(options, InstantSource.system());
        servers.add(server);
        server.addListener(
            line -> printQueue.add(new Printed(line, printTimes ? micros(clock) : NOT_TIMED)));
        if (blast) {
          server.holdSpots(); // before it listens: no client can be served before the others
        }
        start(server, options);
      }
      if (blast) {
        startTogether(servers, holdLock, stopping);
      }
      // The JVM ends when the hooks return: wait for the printer to write out what was sent, so
      // that a Ctrl-C does not lose the last lines still in its buffer.
      Thread hook =
          new Thread(
              () -> {
                // No spot may be sent after the printer's last drain: a test counting the printed
                // lines against what its daemon stored would find rows that were never printed.
                try {
                  synchronized (holdLock) {
                    stopping.set(true);
                    servers.forEach(SimulatorServer::holdSpots);
                  }
                } finally {
                  // Even when a node could not be held (its loop did not answer in time), what
                  // was sent is still printed.
                  stopped.countDown();
                }
                try {
                  printed.await(PRINT_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "simulate-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        print(printQueue, stopped);
      } finally {
        printed.countDown();
      }
    } finally {
      servers.forEach(SimulatorServer::close);
    }
    return 0;
  }

  /**
   * Releases every node's blast once each has a logged-in client: a daemon logs in to its nodes one
   * after the other (after a reconnect, seconds apart), and a throughput measurement wants their
   * spots together. Never releases after the stop hook has held the spots.
   */
  private void startTogether(
      List<SimulatorServer> servers, Object holdLock, AtomicBoolean stopping) {
    Thread starter =
        new Thread(
            () -> {
              while (servers.stream().anyMatch(s -> s.loggedInClients() == 0)) {
                if (stopping.get()) {
                  return;
                }
                LockSupport.parkNanos(LOGIN_POLL.toNanos());
              }
              synchronized (holdLock) {
                if (stopping.get()) {
                  return;
                }
                servers.forEach(SimulatorServer::releaseSpots);
              }
              spec.commandLine()
                  .getErr()
                  .printf(
                      "simulate: all %d node(s) have a client, the blast starts%n", servers.size());
              spec.commandLine().getErr().flush();
            },
            "simulate-blast-start");
    starter.setDaemon(true);
    starter.start();
  }

  private void start(SimulatorServer server, SimulatorOptions options) {
    try {
      server.start();
    } catch (IllegalStateException e) {
      // One line naming the address: the usual cause is another program on the port.
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StartupException(
          "--listen "
              + options.host()
              + ":"
              + options.port()
              + ": "
              + cause.getMessage()
              + "; stop what listens there, or choose another HOST:PORT",
          e);
    }
    spec.commandLine()
        .getErr()
        .printf("simulate: listening on %s:%d%n", options.host(), server.port());
    spec.commandLine().getErr().flush();
  }

  /** A sent line, and when it was sent ({@link #NOT_TIMED} without {@code --print-times}). */
  private record Printed(SentLine line, long sentMicros) {}

  private static final long NOT_TIMED = -1;

  private static long micros(InstantSource clock) {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  /** Prints what the nodes sent every {@link #PRINT_PACE}, and once more after the stop. */
  private static void print(Queue<Printed> queue, CountDownLatch stopped)
      throws InterruptedException {
    Writer out =
        new BufferedWriter(
            new OutputStreamWriter(System.out, StandardCharsets.ISO_8859_1), 1 << 16);
    try {
      boolean last = false;
      while (!last) {
        last = stopped.await(PRINT_PACE.toMillis(), TimeUnit.MILLISECONDS);
        Printed line = queue.poll();
        if (line == null) {
          continue;
        }
        for (; line != null; line = queue.poll()) {
          print(out, line);
        }
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to stdout", e);
    }
  }

  private static void print(Writer out, Printed printed) throws IOException {
    if (printed.sentMicros() != NOT_TIMED) {
      out.write(Long.toString(printed.sentMicros()));
      out.write('\t');
    }
    out.write(printed.line().text());
    out.write('\n');
  }

  private SimulatorOptions options(String listen) {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new ParameterException(
          spec.commandLine(), "--listen must be HOST:PORT, got '" + listen + "'");
    }
    try {
      SimulatorOptions options =
          SimulatorOptions.defaults()
              .withListen(
                  listen.substring(0, colon).replace("[", "").replace("]", ""),
                  Integer.parseInt(listen.substring(colon + 1)))
              .withRate(rate)
              .withCount(count)
              .withSeed(seed)
              .withSilentAfter(silentAfter)
              .withCloseAfter(closeAfter)
              .withGarbageEvery(garbageEvery)
              .withOverlongEvery(overlongEvery)
              .withSpotWithoutClients(spotWithoutClients)
              .withBlast(blast)
              .withExtraOneIn(extraOneIn);
      return callsFile == null ? options : options.withCallsFile(callsFile);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, listen);
    }
  }
}
