package org.dxscraper.scraper.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.scraper.cluster.Wire.bytes;
import static org.dxscraper.scraper.cluster.Wire.text;
import static org.dxscraper.scraper.cluster.Wire.written;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.parse.NodeSoftware;
import org.dxscraper.scraper.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The whole client pipeline (telnet filter, framer, session) on an embedded channel. */
class ClusterSessionHandlerTest {

  private static final Instant NOW = Instant.parse("2027-03-03T12:00:00Z");
  private static final String DXSPIDER_PROMPT = "N0CALL de TEST-1 03-Mar-2027 1200Z dxspider >";

  private record Received(String node, String line, Instant at) {}

  private final List<Received> sink = new ArrayList<>();
  private final MutableClock clock = new MutableClock(NOW);
  private ConnectionPolicy policy = ConnectionPolicy.DEFAULT;
  private BackfillPlanner backfill = new BackfillPlanner(0, false);
  private NodeStatus status;
  private EmbeddedChannel channel;

  private void connect(NodeConfig config) {
    connect(config, (node, line, at) -> sink.add(new Received(node, line, at)));
  }

  private void connect(NodeConfig config, LineSink lineSink) {
    status = new NodeStatus(config.name());
    openChannel(config, lineSink);
  }

  /** A new connection for the same node: status and backfill planner carry over. */
  private void reconnect(NodeConfig config) {
    openChannel(config, (node, line, at) -> sink.add(new Received(node, line, at)));
  }

  private void openChannel(NodeConfig config, LineSink lineSink) {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    channel
        .pipeline()
        .addLast(new IdleStateHandler(policy.probeAfter().toNanos(), 0, 0, TimeUnit.NANOSECONDS))
        .addLast(new TelnetFilterDecoder(config.name(), status.counters()))
        .addLast(
            new LineFrameDecoder(
                config.name(),
                status.counters(),
                config.maxLineLength(),
                LineFrameDecoder.DEFAULT_QUIET_TIME))
        .addLast(
            new ClusterSessionHandler(config, status, lineSink, clock, policy, backfill, () -> {}));
  }

  private static NodeConfig node() {
    return NodeConfig.of("test", "127.0.0.1", 7300, "n0call");
  }

  private void advance(Duration duration) {
    clock.advance(duration);
    channel.advanceTimeBy(duration.toMillis(), TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  private void logIn() {
    channel.writeInbound(text("login: "));
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));
    written(channel);
  }

  private List<String> lines() {
    return sink.stream().map(Received::line).toList();
  }

  @Test
  void sendsCallsignWhenLoginPromptArrivesWithoutNewline() {
    connect(node());
    assertThat(status.state()).isEqualTo(SessionState.AWAITING_LOGIN_PROMPT);

    channel.writeInbound(text("login: "));

    assertThat(written(channel)).isEqualTo("N0CALL\r\n");
    assertThat(status.state()).isEqualTo(SessionState.SENT_CALLSIGN);
  }

  @Test
  void logsInWhileReadingIsPausedThenPausesToo() {
    connect(node());
    status.readingPaused(true);

    channel.writeInbound(text("login: "));
    written(channel);
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    assertThat(status.isLoggedIn()).isTrue();
    assertThat(channel.config().isAutoRead()).isFalse();
  }

  @Test
  void logsInAtTheFirstPromptLineAndSendsInitCommands() {
    connect(node().withInitCommands(List.of("set/page 0", "unset/beep")));
    channel.writeInbound(text("login: "));
    written(channel);

    channel.writeInbound(
        text(
            "Hello N0CALL, this is TEST-1 in Testville\r\n"
                + "running DXSpider V1.57 build 441\r\n"
                + DXSPIDER_PROMPT
                + "\r\n"));

    assertThat(status.state()).isEqualTo(SessionState.LOGGED_IN);
    assertThat(status.isLoggedIn()).isTrue();
    assertThat(status.counters().logins()).isEqualTo(1);
    assertThat(written(channel)).isEqualTo("set/page 0\r\nunset/beep\r\n");
  }

  @Test
  void identifiesDxSpiderFromItsBanner() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("Hello N0CALL\r\nrunning DXSpider V1.57 build 441\r\n"));

    assertThat(status.software()).isEqualTo(NodeSoftware.DXSPIDER);
  }

  @Test
  void identifiesDxSpiderFromItsPrompt() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    assertThat(status.software()).isEqualTo(NodeSoftware.DXSPIDER);
    assertThat(status.isLoggedIn()).isTrue();
  }

  @Test
  void answersArClusterEnterYourCallsignAndLoginPromptOnce() {
    connect(node());

    channel.writeInbound(text(" TEST-2 AR-Cluster node\r\nEnter your callsign\r\n\r\nlogin: "));
    advance(Duration.ofSeconds(5));

    assertThat(written(channel)).isEqualTo("N0CALL\r\n");
    assertThat(status.software()).isEqualTo(NodeSoftware.AR_CLUSTER);
  }

  @Test
  void identifiesArClusterFromItsPrompt() {
    connect(node());
    channel.writeInbound(text("login: "));

    channel.writeInbound(text("Hello  N0CALL\r\nN0CALL de TEST-2 01-Oct 0015Z arc6>\r\n"));

    assertThat(status.software()).isEqualTo(NodeSoftware.AR_CLUSTER);
    assertThat(status.isLoggedIn()).isTrue();
  }

  @Test
  void answersPromptLineWithoutColonAfterGraceTime() {
    connect(node());
    channel.writeInbound(text("Enter your callsign\r\n"));
    assertThat(written(channel)).isEmpty();

    advance(ClusterSessionHandler.PROMPT_GRACE);

    assertThat(written(channel)).isEqualTo("N0CALL\r\n");
  }

  @Test
  void answersCcClusterPleaseEnterYourCallOnceAndIdentifiesIt() {
    connect(node());
    channel.writeInbound(
        text("Running CC Cluster software version 3.1\r\nPlease enter your call: \r\n\r\nlogin: "));

    assertThat(written(channel)).isEqualTo("N0CALL\r\n");

    channel.writeInbound(text("\r\nN0CALL de TEST-3 03-Mar-2027 1200Z   CCC >\r\n"));

    assertThat(status.software()).isEqualTo(NodeSoftware.CC_CLUSTER);
    assertThat(status.isLoggedIn()).isTrue();
  }

  @Test
  void identifiesCcClusterFromItsPromptAlone() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("N0CALL de TEST-3 03-Mar-2027 1200Z   CCC >\r\n"));

    assertThat(status.software()).isEqualTo(NodeSoftware.CC_CLUSTER);
  }

  @Test
  void logsInToRbnRelayThatOpensWithWontLinemode() {
    connect(node().withInitCommands(List.of()));
    channel.writeInbound(bytes(0xFF, 0xFC, 0x22));
    channel.writeInbound(
        text("Welcome to the Reverse Beacon Network.\r\n\r\nPlease enter your call: "));

    assertThat(written(channel)).isEqualTo("N0CALL\r\n");

    channel.writeInbound(
        text("DX de K1XX-#:    14025.0  JA1ZZZ       CW 12 dB 25 WPM CQ             1200Z\r\n"));

    assertThat(status.isLoggedIn()).isTrue();
    assertThat(status.software()).isEqualTo(NodeSoftware.RBN);
    assertThat(written(channel)).isEmpty();
  }

  @Test
  void sendsPasswordWhenAskedAndNeverElse() {
    connect(node().withPassword("s3cret"));
    channel.writeInbound(text("login: "));
    assertThat(written(channel)).isEqualTo("N0CALL\r\n");

    channel.writeInbound(text("\r\npassword: "));

    assertThat(written(channel)).isEqualTo("s3cret\r\n");
    assertThat(status.state()).isEqualTo(SessionState.SENT_PASSWORD);

    channel.writeInbound(text("\r\n" + DXSPIDER_PROMPT + "\r\n"));

    assertThat(status.isLoggedIn()).isTrue();
  }

  @Test
  void keepsAnEchoedPasswordOutOfTheFailureReason() {
    connect(node().withPassword("s3cret"));
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("\r\npassword: "));

    channel.writeInbound(text("s3cret\r\nSorry N0CALL is an invalid callsign s3cret\r\n"));

    assertThat(status.state()).isEqualTo(SessionState.FAILED);
    assertThat(status.lastFailure())
        .hasValueSatisfying(r -> assertThat(r).doesNotContain("s3cret"));
  }

  @Test
  void failsWhenAskedForAPasswordThatIsNotConfigured() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("\r\nPassword: "));

    assertThat(status.state()).isEqualTo(SessionState.FAILED);
    assertThat(status.lastFailure()).hasValueSatisfying(r -> assertThat(r).contains("password"));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void failsWithReasonWhenTheCallsignIsInvalid() {
    connect(node());
    channel.writeInbound(text("login: "));

    channel.writeInbound(text("Sorry N0CALL is an invalid callsign\r\n"));

    assertThat(status.state()).isEqualTo(SessionState.FAILED);
    assertThat(status.lastFailure())
        .hasValueSatisfying(r -> assertThat(r).contains("rejected callsign N0CALL", "invalid"));
    assertThat(status.counters().loginFailures()).isEqualTo(1);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void failsWhenLoginTimesOut() {
    connect(node().withLoginTimeout(Duration.ofSeconds(60)));
    channel.writeInbound(text("login: "));

    advance(Duration.ofSeconds(59));
    assertThat(status.state()).isEqualTo(SessionState.SENT_CALLSIGN);

    advance(Duration.ofSeconds(1));

    assertThat(status.state()).isEqualTo(SessionState.FAILED);
    assertThat(status.lastFailure())
        .hasValueSatisfying(r -> assertThat(r).contains("timed out", "SENT_CALLSIGN", "login: "));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void failsWhenTheNodeClosesDuringLogin() {
    connect(node());
    channel.writeInbound(text("login: "));

    channel.close();

    assertThat(status.state()).isEqualTo(SessionState.FAILED);
    assertThat(status.lastFailure()).hasValueSatisfying(r -> assertThat(r).contains("closed"));
    assertThat(status.isConnected()).isFalse();
  }

  @Test
  void becomesDisconnectedWhenClosedAfterLogin() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    channel.close();

    assertThat(status.state()).isEqualTo(SessionState.DISCONNECTED);
    assertThat(status.counters().disconnects()).isEqualTo(1);
    assertThat(status.lastFailure()).isEmpty();
  }

  @Test
  void judgesTheReplyThatLandsOnTheLoginPromptLine() {
    connect(node());
    channel.writeInbound(text("login: "));

    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    assertThat(lines()).containsExactly("login: " + DXSPIDER_PROMPT);
    assertThat(status.isLoggedIn()).isTrue();
  }

  @Test
  void logsInAtAPromptThatArrivesWithoutLineEnd() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("Hello N0CALL\r\n"));

    channel.writeInbound(text("N0CALL de TEST-2 01-Oct 0015Z arc6>"));

    assertThat(status.isLoggedIn()).isTrue();
    assertThat(status.software()).isEqualTo(NodeSoftware.AR_CLUSTER);
  }

  @Test
  void logsInWhenThePromptLineIsSplitBeforeItsLineEnd() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("Hello N0CALL\r\n" + DXSPIDER_PROMPT));
    channel.writeInbound(text("\r\n"));

    assertThat(status.isLoggedIn()).isTrue();
    assertThat(lines()).containsExactly("login: Hello N0CALL", DXSPIDER_PROMPT);
  }

  @Test
  void logsInAtTheFirstBroadcastWhenThereIsNoPrompt() {
    connect(node());
    channel.writeInbound(text("login: "));

    channel.writeInbound(
        text("WWV de TEST-1 <12>:   SFI=150, A=8, K=3, No Storms\u0007\u0007\r\n"));

    assertThat(status.isLoggedIn()).isTrue();
  }

  @Test
  void handsEveryLineToTheSinkWithNodeAndReceptionTime() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("Hello N0CALL\r\n" + DXSPIDER_PROMPT + "\r\n"));

    channel.writeInbound(
        text(
            "DX de K1XX:      7003.5  JA1ZZZ       loud                          "
                + " 1200Z\u0007\u0007\r\n"
                + "To ALL de K1XX: club meeting\u0007\u0007\r\n"));

    assertThat(lines())
        .containsExactly(
            "login: Hello N0CALL",
            DXSPIDER_PROMPT,
            "DX de K1XX:      7003.5  JA1ZZZ       loud                           1200Z",
            "To ALL de K1XX: club meeting");
    assertThat(sink).allSatisfy(r -> assertThat(r.node()).isEqualTo("test"));
    assertThat(sink).allSatisfy(r -> assertThat(r.at()).isEqualTo(NOW));
    assertThat(status.lastLineAt()).contains(NOW);
  }

  @Test
  void keepsLatin1CommentBytesAllTheWayToTheSink() {
    connect(node());
    channel.writeInbound(text("login: "));
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    channel.writeInbound(bytes('t', 'n', 'x', ' ', 'J', 0xFC, 'r', 'g', 'e', 'n', '\r', '\n'));

    assertThat(lines()).last().isEqualTo("tnx J\u00fcrgen");
  }

  @Test
  void countsAndDropsOverlongLinesAndTheNextLineStillArrives() {
    connect(node().withMaxLineLength(120));
    channel.writeInbound(text("login: "));
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    channel.writeInbound(text("x".repeat(500) + "\r\nDX de K1XX: after\r\n"));

    assertThat(lines()).last().isEqualTo("DX de K1XX: after");
    assertThat(status.counters().overlongLinesDiscarded()).isEqualTo(1);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void survivesASinkThatThrows() {
    List<String> delivered = new ArrayList<>();
    connect(
        node(),
        (node, line, at) -> {
          if (line.contains("boom")) {
            throw new IllegalStateException("boom");
          }
          delivered.add(line);
        });
    channel.writeInbound(text("login: "));
    channel.writeInbound(text("Hello N0CALL\r\n" + DXSPIDER_PROMPT + "\r\nboom\r\nafter\r\n"));

    assertThat(delivered).containsExactly("login: Hello N0CALL", DXSPIDER_PROMPT, "after");
    assertThat(status.counters().sinkFailures()).isEqualTo(1);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void probesASilentSessionWithAnEmptyLineAndKeepsItWhenThePromptComesBack() {
    connect(node());
    logIn();

    advance(Duration.ofSeconds(44));
    assertThat(written(channel)).isEmpty();
    advance(Duration.ofSeconds(1));
    assertThat(written(channel)).isEqualTo("\r\n");
    assertThat(status.counters().probes()).isEqualTo(1);

    advance(Duration.ofSeconds(5));
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));
    advance(Duration.ofSeconds(30));

    assertThat(channel.isActive()).isTrue();
    assertThat(status.isLoggedIn()).isTrue();
  }

  @Test
  void closesADeadConnectionWhenTheProbeIsNotAnsweredAsIdle() {
    connect(node());
    logIn();

    advance(Duration.ofSeconds(45));
    assertThat(written(channel)).isEqualTo("\r\n");
    advance(Duration.ofSeconds(14));
    assertThat(channel.isActive()).isTrue();
    advance(Duration.ofSeconds(1));

    assertThat(channel.isActive()).isFalse();
    assertThat(status.takeCloseReason()).isEqualTo(ReconnectReason.IDLE);
  }

  @Test
  void neverProbesANodeThatKeepsTalking() {
    connect(node());
    logIn();

    for (int i = 0; i < 20; i++) {
      advance(Duration.ofSeconds(30));
      channel.writeInbound(
          text("DX de N1SPOT:    14025.0  K1ABC        cw                    1200Z\r\n"));
    }

    assertThat(written(channel)).isEmpty();
    assertThat(status.counters().probes()).isZero();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void doesNotProbeWhileReadingIsPausedForBackPressure() {
    connect(node());
    logIn();
    status.readingPaused(true);

    advance(Duration.ofMinutes(5));

    assertThat(written(channel)).isEmpty();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void loginTimeoutAloneWatchesASilentConnectionBeforeLogin() {
    connect(node().withLoginTimeout(Duration.ofSeconds(90)));

    advance(Duration.ofSeconds(89));
    assertThat(written(channel)).isEmpty();
    assertThat(channel.isActive()).isTrue();
    advance(Duration.ofSeconds(1));

    assertThat(channel.isActive()).isFalse();
    assertThat(status.counters().loginFailures()).isEqualTo(1);
  }

  @Test
  void marksTheSessionTakenOverWhenDxSpiderSaysReconnectedAs() {
    connect(node());
    logIn();

    channel.writeInbound(text("Reconnected as N0CALL, this instance is disconnected\r\n"));
    advance(Duration.ofSeconds(1));
    channel.close();

    assertThat(status.takeCloseReason()).isEqualTo(ReconnectReason.TAKEN_OVER);
  }

  @Test
  void aCloseLongAfterATakeoverNoticeIsAnOrdinaryClose() {
    connect(node());
    logIn();

    channel.writeInbound(text("Reconnected as N0CALL, this instance is disconnected\r\n"));
    advance(Duration.ofSeconds(30));
    channel.close();

    assertThat(status.takeCloseReason()).isNull();
  }

  @Test
  void anAnnouncementQuotingTheTakeoverTextIsNotATakeover() {
    connect(node());
    logIn();

    channel.writeInbound(
        text("To ALL de W1XYZ: Reconnected as W1XYZ, this instance is disconnected, oops\r\n"));
    channel.close();

    assertThat(status.takeCloseReason()).isNull();
  }

  @Test
  void neverAsksForMoreThanItsMaximumEvenBelowTheMinimum() {
    backfill = new BackfillPlanner(5, true);
    connect(node());
    channel.writeInbound(text("login: "));
    written(channel);

    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    assertThat(written(channel)).isEqualTo("set/page 0\r\nsh/dx 5\r\n");
  }

  @Test
  void takesARefusedSecondLoginForATakeover() {
    connect(node());
    channel.writeInbound(text("login: "));
    written(channel);

    channel.writeInbound(text("N0CALL is already connected\r\n"));

    assertThat(channel.isActive()).isFalse();
    assertThat(status.takeCloseReason()).isEqualTo(ReconnectReason.TAKEN_OVER);
  }

  @Test
  void asksForTheSpotsOfAGapSizedFromTheNodesRate() {
    backfill = new BackfillPlanner(100, false);
    connect(node());
    logIn();
    assertThat(status.counters().backfillRequests()).isZero(); // no gap yet at the first login
    // Two minutes at 12 spots a minute, then the connection drops.
    for (int i = 0; i < 24; i++) {
      advance(Duration.ofSeconds(5));
      channel.writeInbound(
          text("DX de N1SPOT:    14025.0  K1ABC        cw                    1200Z\r\n"));
    }
    channel.close();
    clock.advance(Duration.ofSeconds(30));

    reconnect(node());
    channel.writeInbound(text("login: "));
    written(channel);
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    // 30 s at 0.2 spots/s is 6 spots; with the margin 9, and never fewer than 10.
    assertThat(written(channel)).isEqualTo("set/page 0\r\nsh/dx 10\r\n");
    assertThat(status.counters().backfillRequests()).isEqualTo(1);
    channel.close();
    clock.advance(Duration.ofMinutes(5));
    reconnect(node());
    channel.writeInbound(text("login: "));
    written(channel);
    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    // Five minutes and a half since the last spot at 0.2/s: 66, with the margin 99.
    assertThat(written(channel)).isEqualTo("set/page 0\r\nsh/dx 99\r\n");
  }

  @Test
  void asksForTheMostAtTheFirstLoginOnlyWhenTold() {
    backfill = new BackfillPlanner(40, true);
    connect(node());
    channel.writeInbound(text("login: "));
    written(channel);

    channel.writeInbound(text(DXSPIDER_PROMPT + "\r\n"));

    assertThat(written(channel)).isEqualTo("set/page 0\r\nsh/dx 40\r\n");
  }

  @Test
  void neverAsksRbnForHistory() {
    backfill = new BackfillPlanner(100, true);
    connect(node());
    channel.writeInbound(text("Welcome to the Reverse Beacon Network\r\nPlease enter your call: "));
    written(channel);

    channel.writeInbound(text("N0CALL de RELAY 03-Mar-2027 1200Z >\r\n"));

    assertThat(status.software()).isEqualTo(NodeSoftware.RBN);
    assertThat(written(channel)).doesNotContain("sh/dx");
  }
}
