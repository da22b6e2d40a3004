package org.dxscraper.scraper.enrich;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * cty.dat lookups per second on one thread, over calls as a feed has them: real calls from Debian's
 * MASTER.SCP, a third of them as RBN spotters ({@code -#}) and one in ten with a portable suffix or
 * a prefix ({@code /P}, {@code /4}, {@code EA8/}). Needs Debian's hamradio-files. A spot looks up
 * two calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CtyDatBenchmark {
  private static final int CALLS = 4096;
  private static final Path CTY = Path.of("/usr/share/hamradio-files/cty.dat");
  private static final Path MASTER_SCP = Path.of("/usr/share/hamradio-files/MASTER.SCP");

  private CtyDat cty;
  private String[] calls;

  @Setup
  public void load() throws IOException {
    cty = CtyDat.load(CTY);
    List<String> scp =
        Files.readAllLines(MASTER_SCP).stream().filter(l -> !l.startsWith("#")).toList();
    Random random = new Random(7);
    calls = new String[CALLS];
    for (int i = 0; i < CALLS; i++) {
      String call = scp.get(random.nextInt(scp.size()));
      int pick = random.nextInt(30);
      calls[i] =
          switch (pick) {
            case 0 -> call + "/P";
            case 1 -> call + "/4";
            case 2 -> "EA8/" + call;
            default -> pick < 12 ? call + "-#" : call;
          };
    }
  }

  @Benchmark
  @OperationsPerInvocation(CALLS)
  public void lookup(Blackhole sink) {
    for (String call : calls) {
      sink.consume(cty.lookup(call));
    }
  }
}
