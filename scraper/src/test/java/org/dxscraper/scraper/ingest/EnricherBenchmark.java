package org.dxscraper.scraper.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.enrich.CtyDat;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.Spot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Enrichment of a spot on one thread, with realistic calls: {@link Enricher#row} turns a parsed
 * spot into its row (band, mode, and two cty.dat lookups, DX call and spotter), which is what the
 * pipeline does per spot after parsing; {@code CtyDatBenchmark} measures the lookup alone. Results
 * are spots per second.
 *
 * <p>DX calls are Debian's MASTER.SCP contest calls, which include portable and prefixed ones
 * ({@code EA8/DL1ABC}, {@code K1ABC/P}: about 2% of the file); spotters are calls of the same file
 * as nodes print them, a quarter of them RBN skimmers ({@code -#}) and one in twenty with an SSID.
 * Needs the Debian package hamradio-files (cty.dat and MASTER.SCP).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnricherBenchmark {
  static final int SPOTS = 4096;
  static final Path CTY = Path.of("/usr/share/hamradio-files/cty.dat");
  static final Path MASTER_SCP = Path.of("/usr/share/hamradio-files/MASTER.SCP");

  private static final String[] COMMENTS = {
    "CW 24 dB 22 WPM CQ", "599 tnx", "up 2", "FT8 -12dB", "", "loud in EU", "QSX 14.205"
  };

  private final Instant receivedAt = Instant.parse("2026-12-04T18:00:30Z");
  private final Spot[] spots = new Spot[SPOTS];
  private Enricher enricher;

  @Setup
  public void load() throws IOException {
    enricher = new Enricher(CtyDat.load(CTY));
    List<String> scp = masterScp();
    Random random = new Random(42);
    LineParser parser = new LineParser();
    for (int i = 0; i < SPOTS; i++) {
      String dx = scp.get(random.nextInt(scp.size()));
      String spotter = spotter(scp, random);
      String line =
          String.format(
              "DX de %-9s %8.1f  %-12s %-30s %02d%02dZ",
              spotter + ":",
              1800 + random.nextInt(28_000) + random.nextInt(10) / 10.0,
              dx,
              spotter.endsWith("-#") ? COMMENTS[0] : COMMENTS[random.nextInt(COMMENTS.length)],
              random.nextInt(24),
              random.nextInt(60));
      if (!(parser.parse(line, receivedAt) instanceof Spot spot)) {
        throw new IllegalStateException("not a spot: " + line);
      }
      spots[i] = spot;
    }
  }

  private static List<String> masterScp() throws IOException {
    List<String> calls = new ArrayList<>();
    for (String line : Files.readAllLines(MASTER_SCP, StandardCharsets.ISO_8859_1)) {
      String call = line.strip();
      if (!call.isEmpty() && !call.startsWith("#")) {
        calls.add(call);
      }
    }
    return calls;
  }

  private static String spotter(List<String> scp, Random random) {
    String call;
    do {
      call = scp.get(random.nextInt(scp.size()));
    } while (call.indexOf('/') >= 0); // spotters log in with their home call
    int pick = random.nextInt(20);
    return pick < 5 ? call + "-#" : pick == 5 ? call + "-" + (1 + random.nextInt(9)) : call;
  }

  @Benchmark
  @OperationsPerInvocation(SPOTS)
  public void enrich(Blackhole blackhole) {
    for (Spot spot : spots) {
      blackhole.consume(enricher.row("sim", spot, receivedAt));
    }
  }
}
