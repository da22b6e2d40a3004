package org.dxscraper.scraper.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.LineParserBenchmark;
import org.dxscraper.scraper.testing.TestFiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the journal adds to the event loop per line, beside what the parser costs for the same line,
 * in one run: {@code journal} appends the 16 lines of one socket read and writes them with one
 * {@code write()} (the sync thread fsyncs every 100 ms meanwhile, and every 100,000 lines the
 * checkpoint deletes what is covered, as the writer would); {@code parse} parses the same 16 lines.
 * Lines are {@link LineParserBenchmark}'s mix. Results are lines per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalBenchmark {
  static final int READ = 16;

  private final String[] lines = new String[LineParserBenchmark.LINES];
  private final LineParser parser = new LineParser();
  private final Instant now = Instant.parse("2026-12-04T18:00:00Z");
  private Path dir;
  private Journal journal;
  private int next;

  @Setup(Level.Trial)
  public void open() throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < lines.length; i++) {
      lines[i] = LineParserBenchmark.line(random, i);
    }
    dir = Files.createTempDirectory("journal-bench");
    journal =
        Journal.open(
            new Journal.Settings(
                dir,
                Journal.Settings.DEFAULT_SEGMENT_BYTES,
                Journal.Settings.DEFAULT_MAX_BYTES,
                Duration.ofMillis(100),
                0),
            InstantSource.system(),
            Journal.Listener.NONE);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    journal.close();
    TestFiles.deleteTree(dir);
  }

  @Benchmark
  @OperationsPerInvocation(READ)
  public void journal(Blackhole sink) throws IOException {
    for (int i = 0; i < READ; i++) {
      journal.append("rbn", lines[next++ & (lines.length - 1)], now);
    }
    sink.consume(journal.flush());
    if ((next & 0x1ffff) < READ) {
      journal.checkpoint(journal.writtenSeq());
    }
  }

  @Benchmark
  @OperationsPerInvocation(READ)
  public void parse(Blackhole sink) {
    for (int i = 0; i < READ; i++) {
      sink.consume(parser.parse(lines[next++ & (lines.length - 1)], now));
    }
  }
}
