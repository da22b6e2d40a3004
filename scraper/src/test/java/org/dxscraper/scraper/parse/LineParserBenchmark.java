package org.dxscraper.scraper.parse;

import java.time.Instant;
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
 * Lines per second through {@link LineParser} on one thread, over a mix shaped like an RBN-heavy
 * feed: 60% RBN skimmer spots, 20% spots by people, 8% DXSpider-relayed skimmer spots, 4% WWV/WCY,
 * 4% announcements and talk, 4% prompts and other lines. Target: 1,000,000 lines/s on one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LineParserBenchmark {
  public static final int LINES = 4096;
  private static final String[] MODES = {"CW", "RTTY", "FT8", "FT4", "PSK31"};
  private static final String[] TYPES = {"CQ", "CQ", "CQ", "DX", "BEACON", "NCDXF B"};
  private static final String[] COMMENTS = {
    "", "tnx QSO 73", "CW up 2", "599 into EU", "FT8 -12dB", "LSB pse QSX", "loud"
  };

  private final LineParser parser = new LineParser();
  private final Instant receivedAt = Instant.parse("2026-11-24T12:00:30Z");
  private String[] lines;

  @Setup
  public void makeLines() {
    Random random = new Random(42);
    lines = new String[LINES];
    for (int i = 0; i < LINES; i++) {
      lines[i] = line(random, i);
    }
  }

  /** Line {@code i} of the mix; also feeds {@code LineFrameDecoderBenchmark}. */
  public static String line(Random random, int i) {
    int pick = random.nextInt(100);
    String time = String.format("%02d%02dZ", random.nextInt(24), random.nextInt(60));
    double khz = 7000 + random.nextInt(21000) + random.nextInt(10) / 10.0;
    if (pick < 60) {
      return String.format(
          "DX de %-9s %8.1f  %-13s %-5s %3d dB  %2d WPM  %-7s %s",
          "SK" + i % 97 + "A-#:",
          khz,
          call(random),
          MODES[random.nextInt(MODES.length)],
          random.nextInt(40),
          10 + random.nextInt(30),
          TYPES[random.nextInt(TYPES.length)],
          time);
    }
    if (pick < 80) {
      return String.format(
          "DX de %-9s %8.1f  %-12s %-30s %s",
          "N" + i % 10 + "SPT:",
          khz,
          call(random),
          COMMENTS[random.nextInt(COMMENTS.length)],
          time);
    }
    if (pick < 88) {
      return String.format(
          "DX de %-9s %9.1f %-12s CW  %2ddB Q:9* Z:20           16 %s 14",
          "DK" + i % 9 + "IP-#:", khz, call(random), random.nextInt(40), time);
    }
    if (pick < 92) {
      return random.nextBoolean()
          ? "WWV de VE7CC <21>:   SFI=70, A=12, K=3, No Storms -> No Storms"
          : "WCY de DK0WCY-1 <22> : K=4 expK=2 A=14 R=0 SFI=68 SA=qui GMF=act Au=no";
    }
    if (pick < 96) {
      return random.nextBoolean()
          ? "To ALL de EA8XX-9: contest tomorrow, see you on 40m"
          : "N0CALL de N1SPOT: hello there";
    }
    return random.nextBoolean()
        ? "N0CALL de SIM-1 24-Nov-2026 1200Z dxspider >"
        : "Cluster: 100 nodes, 1 local / 965 total users  Max users 965  Uptime 0 00:04";
  }

  private static String call(Random random) {
    return (char) ('A' + random.nextInt(26))
        + ""
        + (char) ('A' + random.nextInt(26))
        + random.nextInt(10)
        + (char) ('A' + random.nextInt(26))
        + (char) ('A' + random.nextInt(26))
        + (random.nextInt(10) == 0 ? "/P" : "");
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void parseMix(Blackhole blackhole) {
    for (String line : lines) {
      blackhole.consume(parser.parse(line, receivedAt));
    }
  }
}
