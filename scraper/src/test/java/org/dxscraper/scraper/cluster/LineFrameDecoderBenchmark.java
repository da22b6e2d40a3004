package org.dxscraper.scraper.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.parse.LineParserBenchmark;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Lines per second through {@link LineFrameDecoder} (split at LF, strip CR and BEL, decode), on one
 * thread, from a pooled direct buffer as a socket read delivers it, over the mix of {@link
 * LineParserBenchmark} with CRLF line ends. {@code utf8Percent} of the lines carry a UTF-8 comment
 * ("Grüße"); the others are ASCII, as nearly all traffic is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LineFrameDecoderBenchmark {
  static final int LINES = LineParserBenchmark.LINES;

  @Param({"0", "5"})
  public int utf8Percent;

  private ByteBuf input;
  private EmbeddedChannel channel;
  private Blackhole sink;

  @Setup
  public void makeInput(Blackhole blackhole) {
    sink = blackhole;
    Random random = new Random(42);
    Random utf8 = new Random(7);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < LINES; i++) {
      String line = LineParserBenchmark.line(random, i);
      if (utf8.nextInt(100) < utf8Percent) {
        line += " Gr\u00fc\u00dfe";
      }
      text.append(line).append("\r\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    input = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
    input.writeBytes(bytes);
    channel = new EmbeddedChannel();
    channel
        .pipeline()
        .addLast(
            new LineFrameDecoder("bench", new NodeCounters(), 2048, Duration.ofMillis(500)),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                sink.consume(msg);
              }
            });
  }

  @TearDown(Level.Trial)
  public void release() {
    channel.finishAndReleaseAll();
    input.release();
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void frameAndDecode() {
    channel.pipeline().fireChannelRead(input.retainedDuplicate());
  }
}
