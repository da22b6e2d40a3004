package org.dxscraper.scraper.simulate;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the simulated node behaves. Counts of 0 switch a feature off.
 *
 * @param host address to listen on
 * @param port port to listen on; 0 picks a free one ({@link SimulatorServer#port()} tells which)
 * @param rate spots per second, up to 100,000
 * @param count stop broadcasting after this many spots; 0 = never
 * @param seed makes the generated calls, frequencies and comments reproducible
 * @param nodeCall the node's own call in prompts and WWV lines
 * @param callsFile calls to spot, one per line; generated calls when it is not readable
 * @param silentAfter a client that has received this many spots gets nothing more, not even
 *     prompts, but the socket stays open (a stuck node)
 * @param closeAfter a client that has received this many spots is disconnected
 * @param garbageEvery every Nth broadcast line is random bytes
 * @param overlongEvery every Nth broadcast line is 5000 bytes long
 * @param spotWithoutClients keep generating spots at the rate while no client is logged in: the
 *     stream starts with {@link SimulatorServer#start()} and never pauses (it still ends after
 *     {@code count} spots), and the spots nobody received go into the {@code sh/dx} history and
 *     {@link SimulatorServer#sentLines()}, so a client that reconnects can backfill them. When
 *     false the stream runs only while a client is logged in.
 * @param blast send the {@code count} spots as fast as the logged-in clients read them instead of
 *     at {@code rate}: for throughput benchmarks. The spots (and the WWV, WCY and announcement
 *     lines among them) are all made before {@link SimulatorServer#start()} returns, so that making
 *     them costs nothing while they are sent; their time is when they were made. Needs a {@code
 *     count} of 1..{@value #MAX_BLAST_COUNT} and clients ({@code spotWithoutClients} off).
 * @param extraOneIn after about one spot in this many, a WWV, WCY or announcement line too; 0 =
 *     never. {@value #DEFAULT_EXTRA_ONE_IN} is a human cluster's mix; a feed of hundreds of spots a
 *     second (a skimmer network in a contest) sends a few such lines an hour, not one in fifty.
 */
public record SimulatorOptions(
    String host,
    int port,
    double rate,
    long count,
    long seed,
    String nodeCall,
    Path callsFile,
    long silentAfter,
    long closeAfter,
    long garbageEvery,
    long overlongEvery,
    boolean spotWithoutClients,
    boolean blast,
    int extraOneIn) {

  public static final double MAX_RATE = 100_000;

  /** About one line in fifty on a human cluster is not a spot. */
  public static final int DEFAULT_EXTRA_ONE_IN = 50;

  /**
   * Most spots a blast makes: it makes them all before it starts, about 300 bytes of heap each, so
   * five million need some 1.5 GB.
   */
  public static final long MAX_BLAST_COUNT = 5_000_000;

  private static final Pattern NODE_CALL = Pattern.compile("[A-Z0-9/-]{3,20}");

  public SimulatorOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(nodeCall, "nodeCall");
    Objects.requireNonNull(callsFile, "callsFile");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must be non-blank, got '" + host + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (0 = any free port), got " + port);
    }
    if (!(rate > 0 && rate <= MAX_RATE)) {
      throw new IllegalArgumentException(
          "rate must be > 0 and <= " + (long) MAX_RATE + " spots per second, got " + rate);
    }
    if (!NODE_CALL.matcher(nodeCall).matches()) {
      throw new IllegalArgumentException(
          "nodeCall must be 3..20 capital letters, digits, '/' or '-', got '" + nodeCall + "'");
    }
    requireNotNegative("count", count);
    requireNotNegative("silentAfter", silentAfter);
    requireNotNegative("closeAfter", closeAfter);
    requireNotNegative("garbageEvery", garbageEvery);
    requireNotNegative("overlongEvery", overlongEvery);
    requireNotNegative("extraOneIn", extraOneIn);
    if (blast && (count < 1 || count > MAX_BLAST_COUNT)) {
      throw new IllegalArgumentException(
          "a blast needs a count of 1.."
              + MAX_BLAST_COUNT
              + " spots (it makes them all in advance), got "
              + count);
    }
    if (blast && spotWithoutClients) {
      throw new IllegalArgumentException(
          "a blast sends as fast as clients read, so it cannot spot without clients:"
              + " choose one of blast and spotWithoutClients");
    }
  }

  /**
   * 127.0.0.1, a free port, 10 spots/s without end while a client is logged in, seed 1, node SIM-1,
   * well-behaved.
   */
  public static SimulatorOptions defaults() {
    return new SimulatorOptions(
        "127.0.0.1",
        0,
        10,
        0,
        1,
        "SIM-1",
        SpotGenerator.MASTER_SCP,
        0,
        0,
        0,
        0,
        false,
        false,
        DEFAULT_EXTRA_ONE_IN);
  }

  public SimulatorOptions withListen(String newHost, int newPort) {
    return new SimulatorOptions(
        newHost,
        newPort,
        rate,
        count,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withRate(double newRate) {
    return new SimulatorOptions(
        host,
        port,
        newRate,
        count,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withCount(long newCount) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        newCount,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withSeed(long newSeed) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        newSeed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withCallsFile(Path newCallsFile) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        nodeCall,
        newCallsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withSilentAfter(long spots) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        nodeCall,
        callsFile,
        spots,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withCloseAfter(long spots) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        spots,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withGarbageEvery(long lines) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        lines,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withOverlongEvery(long lines) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        lines,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withSpotWithoutClients(boolean on) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        on,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withNodeCall(String newNodeCall) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        newNodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        extraOneIn);
  }

  public SimulatorOptions withBlast(boolean on) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        on,
        extraOneIn);
  }

  public SimulatorOptions withExtraOneIn(int spots) {
    return new SimulatorOptions(
        host,
        port,
        rate,
        count,
        seed,
        nodeCall,
        callsFile,
        silentAfter,
        closeAfter,
        garbageEvery,
        overlongEvery,
        spotWithoutClients,
        blast,
        spots);
  }

  private static void requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 (0 = off), got " + value);
    }
  }
}
