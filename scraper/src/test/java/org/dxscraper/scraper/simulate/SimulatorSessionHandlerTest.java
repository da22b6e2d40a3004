package org.dxscraper.scraper.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The simulated node's user session on an embedded channel, with virtual time. */
class SimulatorSessionHandlerTest {

  private static final Instant NOW = Instant.parse("2027-03-03T21:07:00Z");
  private static final String PROMPT = "N0CALL de SIM-1 03-Mar-2027 2107Z dxspider >";
  private static final String BEEP = "\u0007\u0007";
  private static final Duration STEP = Duration.ofMillis(100);

  /** Carries the broadcaster's event loop and ticker, so that closing a session keeps its timer. */
  private EmbeddedChannel node;

  private EmbeddedChannel channel;
  private final List<EmbeddedChannel> sessions = new ArrayList<>();
  private SimulatorOptions nodeOptions;
  private InstantSource clock;
  private SimulatorBroadcaster broadcaster;

  private void start(SimulatorOptions options) {
    nodeOptions = options;
    clock = InstantSource.fixed(NOW);
    node = new EmbeddedChannel();
    node.freezeTime();
    SpotGenerator generator =
        new SpotGenerator(
            SpotGenerator.generatedCalls(3, 500),
            options.seed(),
            options.nodeCall(),
            clock,
            options.extraOneIn());
    broadcaster = new SimulatorBroadcaster(options, generator, node.eventLoop());
    // What SimulatorServer.start() does; nothing without spotWithoutClients.
    broadcaster.startWithoutClients();
    channel = connect();
  }

  /** Another client of the same node. */
  private EmbeddedChannel connect() {
    EmbeddedChannel session = new EmbeddedChannel();
    session.freezeTime();
    session
        .pipeline()
        .addLast(new LineBasedFrameDecoder(SimulatorInitializer.MAX_COMMAND_LENGTH))
        .addLast(new StringDecoder(StandardCharsets.ISO_8859_1))
        .addLast(new SimulatorSessionHandler(nodeOptions, broadcaster, clock));
    sessions.add(session);
    return session;
  }

  private static SimulatorOptions options() {
    return SimulatorOptions.defaults().withRate(10).withSeed(3);
  }

  private void send(String line) {
    send(channel, line);
  }

  private void send(EmbeddedChannel session, String line) {
    session.writeInbound(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.ISO_8859_1));
    // Runs what Netty defers, such as channelInactive after a close.
    session.runPendingTasks();
  }

  private void loginAndDrain() {
    loginAndDrain(channel, "n0call");
  }

  private void loginAndDrain(EmbeddedChannel session, String call) {
    written(session);
    send(session, call);
    written(session);
  }

  /**
   * Moves virtual time on in steps of at most {@link #STEP}, as a running event loop would: the
   * broadcaster skips ahead instead of bursting when one tick finds itself over a second late.
   */
  private void advance(Duration duration) {
    for (Duration left = duration; left.isPositive(); left = left.minus(STEP)) {
      long millis = Math.min(left.toMillis(), STEP.toMillis());
      node.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
      node.runScheduledPendingTasks();
      for (EmbeddedChannel session : sessions) {
        session.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        session.runPendingTasks();
      }
    }
  }

  private String written() {
    return written(channel);
  }

  private static String written(EmbeddedChannel session) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object msg = session.readOutbound(); msg != null; msg = session.readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      byte[] chunk = new byte[buf.readableBytes()];
      buf.readBytes(chunk);
      buf.release();
      out.writeBytes(chunk);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Lines as sent, BEL bytes kept, CRLF removed. */
  private List<String> writtenLines() {
    return writtenLines(channel);
  }

  private static List<String> writtenLines(EmbeddedChannel session) {
    String text = written(session);
    assertThat(text).endsWith("\r\n");
    return Arrays.asList(text.substring(0, text.length() - 2).split("\r\n", -1));
  }

  private List<String> spotLines(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("DX de ")).toList();
  }

  @Test
  void sendsLoginPromptWithoutNewline() {
    start(options());

    assertThat(written()).isEqualTo("login: ");
  }

  @Test
  void rejectsInvalidCallsignAndCloses() {
    start(options());
    written();

    send("foo");

    assertThat(written()).isEqualTo("Sorry FOO is an invalid callsign\r\n");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void greetsWithHelloVersionAndPrompt() {
    start(options());
    written();

    send("n0call");

    assertThat(writtenLines())
        .containsExactly(
            "Hello N0CALL, this is SIM-1 in Loopback", "running DXSpider V1.57 build 441", PROMPT);
    assertThat(broadcaster.loggedInClients()).isEqualTo(1);
  }

  @Test
  void acceptsCallsWithPrefixSuffixAndSsid() {
    start(options());
    written();

    send("VE3/G4AAA/P-12");

    assertThat(writtenLines()).first().isEqualTo("Hello VE3/G4AAA/P-12, this is SIM-1 in Loopback");
  }

  @Test
  void answersEveryCommandWithReplyAndPrompt() {
    start(options());
    loginAndDrain();

    send("set/page 0");
    send("unset/beep");
    send("set/beep");
    send("set/width 60");
    send("set/width 100");
    send("");
    send("sh/width");

    assertThat(writtenLines())
        .containsExactly(
            "Page Length is now 0 lines",
            PROMPT,
            "Beeps are now off",
            PROMPT,
            "Beeps are now on",
            PROMPT,
            "Page width is now 80 columns",
            PROMPT,
            "Page width is now 100 columns",
            PROMPT,
            PROMPT,
            "Invalid command",
            PROMPT);
  }

  @Test
  void broadcastsSpotsAtTheRateWithBellsBeforeCrLf() {
    start(options());
    loginAndDrain();

    advance(Duration.ofSeconds(1));

    List<String> spots = spotLines(writtenLines());
    assertThat(spots).hasSize(10);
    assertThat(spots).allSatisfy(l -> assertThat(l).hasSize(75 + 2).endsWith("Z" + BEEP));
    assertThat(broadcaster.spotsSent()).isEqualTo(10);
  }

  @Test
  void dropsTheBellsAfterUnsetBeep() {
    start(options());
    loginAndDrain();
    send("unset/beep");
    written();

    advance(Duration.ofSeconds(1));

    assertThat(spotLines(writtenLines())).hasSize(10).allSatisfy(l -> assertThat(l).endsWith("Z"));
  }

  @Test
  void widensTheCommentAfterSetWidth() {
    start(options());
    loginAndDrain();
    send("set/width 100");
    written();

    advance(Duration.ofSeconds(1));

    assertThat(spotLines(writtenLines())).allSatisfy(l -> assertThat(l).hasSize(95 + 2));
  }

  @Test
  void logsEveryBroadcastLineInTheDefaultFormat() {
    start(options());
    loginAndDrain();
    advance(Duration.ofSeconds(3));

    List<String> received = writtenLines().stream().map(l -> l.replace(BEEP, "")).toList();

    assertThat(received)
        .containsExactlyElementsOf(broadcaster.sentLog().stream().map(SentLine::text).toList());
  }

  @Test
  void showsHistoryNewestFirst() {
    start(options());
    loginAndDrain();
    advance(Duration.ofSeconds(1));
    List<String> spots = spotLines(writtenLines());

    send("sh/dx 3");

    List<String> reply = writtenLines();
    assertThat(reply).hasSize(4).last().isEqualTo(PROMPT);
    for (int i = 0; i < 3; i++) {
      String[] history = reply.get(i).trim().split(" +");
      String[] spot = spots.get(spots.size() - 1 - i).substring(6).trim().split(" +");
      assertThat(history[0]).isEqualTo(spot[1]); // frequency
      assertThat(history[1]).isEqualTo(spot[2]); // call
      assertThat(history[2]).isEqualTo("03-Mar-2027");
    }
  }

  @Test
  void saysSeventyThreeAndClosesOnBye() {
    start(options());
    loginAndDrain();

    send("bye");

    assertThat(written()).startsWith("73 N0CALL");
    assertThat(channel.isOpen()).isFalse();
    assertThat(broadcaster.loggedInClients()).isZero();
  }

  @Test
  void stopsAfterCount() {
    start(options().withRate(100).withCount(5));
    loginAndDrain();

    advance(Duration.ofSeconds(1));
    advance(Duration.ofSeconds(1));

    assertThat(spotLines(writtenLines())).hasSize(5);
    assertThat(broadcaster.spotsSent()).isEqualTo(5);
  }

  @Test
  void closesTheConnectionAfterCloseAfterSpots() {
    start(options().withCloseAfter(3));
    loginAndDrain();

    advance(Duration.ofSeconds(1));

    assertThat(spotLines(writtenLines())).hasSize(3);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void goesSilentButStaysConnectedAfterSilentAfterSpots() {
    start(options().withSilentAfter(3));
    loginAndDrain();
    advance(Duration.ofSeconds(1));
    assertThat(spotLines(writtenLines())).hasSize(3);

    send("sh/dx 1");
    advance(Duration.ofSeconds(1));

    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isTrue();
    assertThat(broadcaster.spotsSent()).isEqualTo(20);
  }

  @Test
  void replacesEveryNthLineWithGarbageOrAnOverlongLine() {
    start(options().withRate(100).withCount(60).withGarbageEvery(10).withOverlongEvery(25));
    loginAndDrain();

    advance(Duration.ofSeconds(1));

    List<SentLine> log = broadcaster.sentLog();
    assertThat(log).filteredOn(l -> l.kind() == SentLine.Kind.GARBAGE).isNotEmpty();
    assertThat(log).filteredOn(l -> l.kind() == SentLine.Kind.OVERLONG).isNotEmpty();
    assertThat(log.get(9).kind()).isEqualTo(SentLine.Kind.GARBAGE);
    assertThat(log.get(24).kind()).isEqualTo(SentLine.Kind.OVERLONG);
    assertThat(written()).contains("x".repeat(4000));
  }

  @Test
  void pausesTheStreamWhileNobodyIsLoggedIn() {
    start(options());
    advance(Duration.ofSeconds(5));

    assertThat(broadcaster.spotsSent()).isZero();
  }

  @Test
  void pausesTheStreamWhenTheLastClientLeaves() {
    start(options());
    loginAndDrain();
    advance(Duration.ofSeconds(1));
    send("bye");

    advance(Duration.ofSeconds(5));

    assertThat(broadcaster.spotsSent()).isEqualTo(10);
  }

  @Test
  void spotsIntoTheHistoryWhileNobodyIsLoggedInWithSpotWithoutClients() {
    start(options().withSpotWithoutClients(true));

    advance(Duration.ofSeconds(2));

    assertThat(broadcaster.spotsSent()).isEqualTo(20);
    List<SimulatedSpot> sent =
        broadcaster.sentLog().stream().map(SentLine::spot).filter(s -> s != null).toList();
    assertThat(sent).hasSize(20);

    loginAndDrain();
    send("sh/dx 5");

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add(DxSpiderFormat.historyLine(sent.get(sent.size() - 1 - i)));
    }
    expected.add(PROMPT);
    assertThat(writtenLines()).containsExactlyElementsOf(expected);
  }

  @Test
  void keepsTheRateClockWhenAClientLogsInWithSpotWithoutClients() {
    start(options().withSpotWithoutClients(true));
    advance(Duration.ofMillis(1500));
    loginAndDrain();

    advance(Duration.ofMillis(1500));

    // 30 in 3 s: the clock did not restart at the login, and nothing burst either.
    assertThat(broadcaster.spotsSent()).isEqualTo(30);
    assertThat(spotLines(writtenLines())).hasSize(15);
  }

  @Test
  void keepsSpottingAfterTheLastClientLeavesWithSpotWithoutClients() {
    start(options().withSpotWithoutClients(true));
    loginAndDrain();
    advance(Duration.ofSeconds(1));
    send("bye");

    advance(Duration.ofSeconds(2));

    assertThat(broadcaster.loggedInClients()).isZero();
    assertThat(broadcaster.spotsSent()).isEqualTo(30);
  }

  @Test
  void stopsAfterCountWithSpotWithoutClients() {
    start(options().withRate(100).withCount(5).withSpotWithoutClients(true));

    advance(Duration.ofSeconds(1));
    loginAndDrain();
    advance(Duration.ofSeconds(1));

    assertThat(broadcaster.spotsSent()).isEqualTo(5);
    assertThat(written()).isEmpty();
  }

  @Test
  void blastSendsTheWholeCountAtOnceWhateverTheRate() {
    start(options().withRate(1).withCount(1000).withBlast(true));
    loginAndDrain();

    // One tick of the rate: a blast sends everything in it, not one spot.
    advance(Duration.ofMillis(100));

    List<String> spots = spotLines(writtenLines());
    assertThat(spots).hasSize(1000).doesNotHaveDuplicates();
    assertThat(broadcaster.spotsSent()).isEqualTo(1000);
    assertThat(broadcaster.sentLog()).filteredOn(l -> l.spot() == null).isNotEmpty();
  }

  @Test
  void blastSendsTheSameLinesAsTheRateWouldForTheSeed() {
    start(options().withRate(100).withCount(200));
    loginAndDrain();
    advance(Duration.ofSeconds(3));
    List<String> atTheRate = broadcaster.sentLog().stream().map(SentLine::text).toList();

    start(options().withRate(100).withCount(200).withBlast(true));
    loginAndDrain();
    advance(Duration.ofMillis(100));

    assertThat(broadcaster.sentLog().stream().map(SentLine::text).toList())
        .containsExactlyElementsOf(atTheRate);
  }

  @Test
  void blastWaitsWhileTheClientTakesNothingMore() {
    start(options().withCount(1000).withBlast(true));
    loginAndDrain();
    // What a full socket does to Netty's channel: not writable until the client reads.
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);

    advance(Duration.ofSeconds(1));

    assertThat(broadcaster.spotsSent()).isZero();
    assertThat(written()).isEmpty();

    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    advance(Duration.ofMillis(10));

    assertThat(spotLines(writtenLines())).hasSize(1000);
  }

  @Test
  void answersAnEmptyLineWithOnlyAPrompt() {
    start(options());
    loginAndDrain();

    send("");

    assertThat(written()).isEqualTo(PROMPT + "\r\n");
  }

  @Test
  void disconnectsTheFirstSessionWhenItsCallLogsInAgain() {
    start(options());
    loginAndDrain();
    EmbeddedChannel second = connect();
    written(second);

    send(second, "N0CALL");

    assertThat(written()).isEqualTo("Reconnected as N0CALL, this instance is disconnected\r\n");
    assertThat(channel.isOpen()).isFalse();
    assertThat(writtenLines(second))
        .containsExactly(
            "Hello N0CALL, this is SIM-1 in Loopback", "running DXSpider V1.57 build 441", PROMPT);
    assertThat(broadcaster.loggedInClients()).isEqualTo(1);
    assertThat(broadcaster.logins()).isEqualTo(2);

    advance(Duration.ofSeconds(1));

    assertThat(written()).isEmpty();
    assertThat(spotLines(writtenLines(second))).hasSize(10);
  }

  @Test
  void keepsBothSessionsWhenOnlyTheSsidDiffers() {
    start(options());
    loginAndDrain();
    EmbeddedChannel second = connect();

    loginAndDrain(second, "N0CALL-1");

    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isTrue();
    assertThat(broadcaster.loggedInClients()).isEqualTo(2);
  }

  @Test
  void closesASilentSessionWithoutAWordWhenItsCallLogsInAgain() {
    start(options());
    loginAndDrain();
    broadcaster.silenceAll();
    EmbeddedChannel second = connect();

    loginAndDrain(second, "N0CALL");

    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(broadcaster.loggedInClients()).isEqualTo(1);
  }

  @Test
  void silencedSessionReadsCommandsButSendsNothingAndStaysLoggedIn() {
    start(options());
    loginAndDrain();
    advance(Duration.ofSeconds(1));
    assertThat(spotLines(writtenLines())).hasSize(10);

    broadcaster.silenceAll();
    send("sh/dx 1");
    send("");
    advance(Duration.ofSeconds(1));

    assertThat(written()).isEmpty();
    assertThat(channel.isOpen()).isTrue();
    assertThat(broadcaster.loggedInClients()).isEqualTo(1);
    assertThat(broadcaster.spotsSent()).isEqualTo(20);
    assertThat(broadcaster.commandLog()).containsExactly("sh/dx 1", "");
  }

  @Test
  void sessionsThatLogInAfterSilenceAreNormal() {
    start(options());
    loginAndDrain();
    broadcaster.silenceAll();
    EmbeddedChannel second = connect();
    loginAndDrain(second, "N1CALL");

    send(second, "");
    advance(Duration.ofSeconds(1));

    List<String> lines = writtenLines(second);
    assertThat(lines).first().isEqualTo("N1CALL de SIM-1 03-Mar-2027 2107Z dxspider >");
    assertThat(spotLines(lines)).hasSize(10);
    assertThat(written()).isEmpty();
  }

  @Test
  void logsEveryCommandOfLoggedInClientsStrippedAndInOrder() {
    start(options());
    written();
    send("");
    send("n0call");

    send("set/page 0");
    send("  sh/dx 37 ");
    send("");
    send("bye");

    assertThat(broadcaster.commandLog()).containsExactly("set/page 0", "sh/dx 37", "", "bye");
  }

  @Test
  void countsOnlySuccessfulLogins() {
    start(options());
    loginAndDrain();
    EmbeddedChannel rejected = connect();
    written(rejected);

    send(rejected, "foo");

    assertThat(rejected.isOpen()).isFalse();
    assertThat(broadcaster.logins()).isEqualTo(1);
  }
}
