package org.dxscraper.scraper.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.parse.NodeSoftware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in to one node and hands every line to the {@link LineSink}.
 *
 * <p>Consumes {@code String} lines and {@link PartialLine} hints from {@link LineFrameDecoder}.
 * Before login it answers the login prompt with the callsign (and a password prompt with the
 * password), recognises a rejected callsign, and gives up after {@link NodeConfig#loginTimeout()}
 * measured on the event loop's scheduler. The first prompt line or broadcast means logged in; the
 * node's init commands go out then, followed by {@code sh/dx N} when the {@link BackfillPlanner}
 * wants the spots of a gap. The software is read from banner and prompt lines until login.
 *
 * <p>Liveness: when the {@code IdleStateHandler} in front reports that nothing at all has arrived
 * for {@link ConnectionPolicy#probeAfter()}, a logged-in session sends an empty line, which the
 * node answers with its prompt; when nothing arrives within {@link ConnectionPolicy#probeTimeout()}
 * the connection is dead and is closed ({@link ReconnectReason#IDLE}). A node that says another
 * client logged in with our callsign ends the session as {@link ReconnectReason#TAKEN_OVER}.
 *
 * <p>Not sharable; all methods run on the channel's event loop. State is mirrored to the {@link
 * NodeStatus} for readers on other threads.
 */
final class ClusterSessionHandler extends ChannelInboundHandlerAdapter {

  /**
   * AR-Cluster prints {@code Enter your callsign} on a line of its own and then {@code login: }. A
   * prompt line without a colon is answered only if no real prompt follows within this time, so the
   * callsign is not typed ahead of the prompt or sent twice.
   */
  static final Duration PROMPT_GRACE = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(ClusterSessionHandler.class);
  private static final int MAX_QUOTED_TEXT = 80;

  /** A close this soon after the node's takeover notice is the takeover. */
  static final Duration TAKEOVER_CLOSE_WINDOW = Duration.ofSeconds(10);

  private final NodeConfig config;
  private final NodeStatus status;
  private final LineSink sink;
  private final InstantSource clock;
  private final ConnectionPolicy policy;
  private final BackfillPlanner backfill;
  private final Runnable sessionEnded;
  private final String node;

  private SessionState state = SessionState.CONNECTING;
  private NodeSoftware software = NodeSoftware.UNKNOWN;
  private boolean started;
  private long connectedAtNanos;
  private String lastTextBeforeLogin = "";

  /** The partial prompt the next complete line starts with (the node's reply lands after it). */
  private String partialPrefix;

  private Future<?> loginTimer;
  private Future<?> promptGraceTimer;
  private Future<?> probeDeadline;
  private long takeoverNoticeNanos = Long.MIN_VALUE;
  private Ticker channelTicker = Ticker.systemTicker();

  ClusterSessionHandler(
      NodeConfig config,
      NodeStatus status,
      LineSink sink,
      InstantSource clock,
      ConnectionPolicy policy,
      BackfillPlanner backfill,
      Runnable sessionEnded) {
    this.config = config;
    this.status = status;
    this.sink = sink;
    this.clock = clock;
    this.policy = policy;
    this.backfill = backfill;
    this.sessionEnded = sessionEnded;
    this.node = config.name();
  }

  SessionState state() {
    return state;
  }

  NodeSoftware software() {
    return software;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (started) {
      return;
    }
    started = true;
    channelTicker = ctx.executor().ticker();
    connectedAtNanos = channelTicker.nanoTime();
    status.connected(true);
    transition(SessionState.AWAITING_LOGIN_PROMPT);
    loginTimer =
        ctx.executor()
            .schedule(
                () -> onLoginTimeout(ctx), config.loginTimeout().toNanos(), TimeUnit.NANOSECONDS);
    log.info(
        "{}: connected to {}, waiting up to {} for the login prompt",
        node,
        ctx.channel().remoteAddress(),
        config.loginTimeout());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (probeDeadline != null) {
      cancel(probeDeadline); // the node answered: the connection lives
      probeDeadline = null;
    }
    if (msg instanceof String line) {
      onLine(ctx, line);
    } else if (msg instanceof PartialLine partial) {
      onPartial(ctx, partial.text());
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    try {
      sink.endOfRead();
    } catch (RuntimeException e) {
      status.counters().sinkFailed();
      log.warn("{}: line sink failed at the end of a read", node, e);
    }
    ctx.fireChannelReadComplete();
  }

  private void onLine(ChannelHandlerContext ctx, String line) {
    Instant receivedAt = clock.instant();
    status.lineAt(receivedAt);
    deliver(line, receivedAt);
    if (state == SessionState.LOGGED_IN) {
      afterLogin(line, receivedAt);
      return;
    }
    beforeLogin(ctx, line);
  }

  private void afterLogin(String line, Instant receivedAt) {
    if (line.startsWith("DX de ") || line.startsWith("CC11^")) {
      backfill.spotReceived(receivedAt);
      status.delivered(true);
    } else if (!status.delivered() && LoginPatterns.isBroadcast(line)) {
      status.delivered(true);
    } else if (LoginPatterns.isTakeover(line)) {
      // DXSpider: a second login with our callsign-SSID takes over; the node closes us next. It
      // counts only if that close follows soon (channelInactive), not at some later close.
      takeoverNoticeNanos = ticker();
      log.debug("{}: takeover notice: {}", node, quote(line));
    }
  }

  private long ticker() {
    return channelTicker.nanoTime();
  }

  private void deliver(String line, Instant receivedAt) {
    try {
      sink.onLine(node, line, receivedAt);
    } catch (RuntimeException e) {
      status.counters().sinkFailed();
      log.warn("{}: line sink threw, line lost (state={})", node, state, e);
    }
  }

  private void beforeLogin(ChannelHandlerContext ctx, String fullLine) {
    // DXSpider and AR-Cluster do not echo: "login: " and whatever follows the callsign share a
    // line ("login: Hello N0CALL, ..."). Judge the part after the prompt we already answered.
    String line = afterAnsweredPrompt(fullLine);
    partialPrefix = null;
    lastTextBeforeLogin = fullLine;
    if (log.isDebugEnabled()) {
      log.debug("{}: [{}] {}", node, state, redact(line));
    }
    identify(line);
    switch (state) {
      case AWAITING_LOGIN_PROMPT -> {
        if (LoginPatterns.isLoginPrompt(line)) {
          if (LoginPatterns.isInputPrompt(line)) {
            sendCallsign(ctx, line);
          } else if (promptGraceTimer == null) {
            promptGraceTimer =
                ctx.executor()
                    .schedule(
                        () -> onPromptGrace(ctx, line),
                        PROMPT_GRACE.toNanos(),
                        TimeUnit.NANOSECONDS);
          }
        } else if (LoginPatterns.isBroadcast(line)) {
          log.info("{}: node streams without asking for a callsign", node);
          loggedIn(ctx);
        }
      }
      case SENT_CALLSIGN, SENT_PASSWORD -> {
        if (LoginPatterns.isCallsignRejection(line)) {
          fail(ctx, "node rejected callsign " + config.callsign() + ": " + quote(line));
        } else if (LoginPatterns.isDuplicateLogin(line)) {
          status.closeReason(ReconnectReason.TAKEN_OVER);
          fail(ctx, "node refused a second login as " + config.callsign() + ": " + quote(line));
        } else if (state == SessionState.SENT_CALLSIGN && LoginPatterns.isPasswordPrompt(line)) {
          sendPassword(ctx);
        } else if (LoginPatterns.isLoginConfirmation(line, config.callsign())) {
          loggedIn(ctx);
        }
      }
      default -> {
        // CONNECTING cannot see lines; FAILED waits for the close it asked for.
      }
    }
  }

  private void onPartial(ChannelHandlerContext ctx, String text) {
    if (!state.isLoggingIn()) {
      return;
    }
    lastTextBeforeLogin = text;
    if (log.isDebugEnabled()) {
      log.debug("{}: [{}] partial line '{}'", node, state, redact(text));
    }
    String content = afterAnsweredPrompt(text);
    if (state == SessionState.AWAITING_LOGIN_PROMPT) {
      if (LoginPatterns.isLoginPrompt(content)) {
        // DXSpider sends "login: " without a newline and waits: a partial prompt wants input now.
        sendCallsign(ctx, content);
        partialPrefix = text;
      }
    } else if (state == SessionState.SENT_CALLSIGN && LoginPatterns.isPasswordPrompt(content)) {
      sendPassword(ctx);
      partialPrefix = text;
    } else if (LoginPatterns.isPromptLine(content, config.callsign())) {
      // A node may leave its prompt without a line end until the next output.
      identify(content);
      loggedIn(ctx);
    } else if (LoginPatterns.isLoginPrompt(content)) {
      // CC Cluster prints "Please enter your call:" and then "login: "; one answer covers both.
      log.debug("{}: login prompt repeated after the callsign went out, not answering again", node);
    }
  }

  private String afterAnsweredPrompt(String text) {
    if (partialPrefix != null && text.startsWith(partialPrefix)) {
      return text.substring(partialPrefix.length());
    }
    return text;
  }

  private void onPromptGrace(ChannelHandlerContext ctx, String prompt) {
    promptGraceTimer = null;
    if (state == SessionState.AWAITING_LOGIN_PROMPT) {
      sendCallsign(ctx, prompt);
    }
  }

  private void sendCallsign(ChannelHandlerContext ctx, String prompt) {
    cancel(promptGraceTimer);
    promptGraceTimer = null;
    send(ctx, config.callsign());
    transition(SessionState.SENT_CALLSIGN);
    log.info("{}: sent callsign {} after prompt {}", node, config.callsign(), quote(prompt));
  }

  private void sendPassword(ChannelHandlerContext ctx) {
    if (config.password().isEmpty()) {
      fail(ctx, "node asked for a password but none is configured for " + config.callsign());
      return;
    }
    send(ctx, config.password().get()); // the value is never logged
    transition(SessionState.SENT_PASSWORD);
    log.info("{}: sent the password for {}", node, config.callsign());
  }

  private void loggedIn(ChannelHandlerContext ctx) {
    cancelTimers();
    status.delivered(false);
    status.loggedInAt(clock.instant());
    transition(SessionState.LOGGED_IN);
    if (status.readingPaused()) {
      // Back-pressure began before this session: it could log in, now it waits like the rest.
      ctx.channel().config().setAutoRead(false);
    }
    status.failure(null);
    status.counters().loggedIn();
    Duration took = Duration.ofNanos(ctx.executor().ticker().nanoTime() - connectedAtNanos);
    log.info(
        "{}: logged in as {} (software={}, {} ms after connect), sending init commands {}",
        node,
        config.callsign(),
        software,
        took.toMillis(),
        config.initCommands());
    for (String command : config.initCommands()) {
      write(ctx, command);
    }
    int missed = backfill.loggedIn(software, clock.instant());
    if (missed > 0) {
      // History lines carry full dates; the spot key makes what is already stored a no-op.
      write(ctx, "sh/dx " + missed);
      status.counters().backfillRequested();
      log.info("{}: asking for the last {} spots to fill the gap (sh/dx {})", node, missed, missed);
    }
    ctx.flush();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
      onReadIdle(ctx);
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  private void onReadIdle(ChannelHandlerContext ctx) {
    // Before login the login timer watches; while reads are paused the silence is ours.
    if (state != SessionState.LOGGED_IN || status.readingPaused() || probeDeadline != null) {
      return;
    }
    log.debug(
        "{}: nothing received for {}, sending an empty line as a probe", node, policy.probeAfter());
    send(ctx, "");
    status.counters().probeSent();
    probeDeadline =
        ctx.executor()
            .schedule(
                () -> onProbeUnanswered(ctx),
                policy.probeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
  }

  private void onProbeUnanswered(ChannelHandlerContext ctx) {
    probeDeadline = null;
    if (state != SessionState.LOGGED_IN || status.readingPaused()) {
      return;
    }
    log.warn(
        "{}: nothing received for {}, not even the answer to a probe within {}: the connection is"
            + " dead, closing it to reconnect",
        node,
        policy.probeAfter().plus(policy.probeTimeout()),
        policy.probeTimeout());
    status.closeReason(ReconnectReason.IDLE);
    ctx.close();
  }

  private void onLoginTimeout(ChannelHandlerContext ctx) {
    loginTimer = null;
    if (state.isLoggingIn()) {
      fail(
          ctx,
          "login timed out after "
              + config.loginTimeout()
              + " in state "
              + state
              + ", last text from the node: "
              + quote(lastTextBeforeLogin));
    }
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
    if (state == SessionState.FAILED) {
      return;
    }
    cancelTimers();
    transition(SessionState.FAILED);
    status.failure(reason);
    status.counters().loginFailed();
    log.warn("{}: login failed: {}", node, reason);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimers();
    if (takeoverNoticeNanos != Long.MIN_VALUE
        && ticker() - takeoverNoticeNanos <= TAKEOVER_CLOSE_WINDOW.toNanos()) {
      status.closeReason(ReconnectReason.TAKEN_OVER);
    }
    status.connected(false);
    status.counters().disconnected();
    if (state == SessionState.LOGGED_IN) {
      transition(SessionState.DISCONNECTED);
      backfill.sessionEnded();
      log.info("{}: connection closed after login ({})", node, ctx.channel().remoteAddress());
    } else if (state.isLoggingIn()) {
      if (LoginPatterns.isDuplicateLogin(lastTextBeforeLogin)) {
        status.closeReason(ReconnectReason.TAKEN_OVER);
      }
      fail(
          ctx,
          "node closed the connection in state "
              + state
              + ", last text from the node: "
              + quote(lastTextBeforeLogin));
    }
    sessionEnded.run();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Only I/O failures get here: the decoders count and skip bad input instead of throwing.
    log.warn("{}: closing after an I/O error in state {}: {}", node, state, cause.toString());
    if (state != SessionState.LOGGED_IN) {
      status.failure("I/O error in state " + state + ": " + cause);
    }
    ctx.close();
  }

  private void identify(String line) {
    if (software != NodeSoftware.UNKNOWN) {
      return;
    }
    NodeSoftware seen = NodeSoftware.identify(line);
    if (seen != NodeSoftware.UNKNOWN) {
      software = seen;
      status.software(seen);
      log.info("{}: node runs {} (from {})", node, seen, quote(line));
    }
  }

  private void transition(SessionState next) {
    log.debug("{}: {} -> {}", node, state, next);
    state = next;
    status.state(next);
  }

  private static void send(ChannelHandlerContext ctx, String text) {
    write(ctx, text);
    ctx.flush();
  }

  private static void write(ChannelHandlerContext ctx, String text) {
    ByteBuf buf = ctx.alloc().buffer(text.length() + 2);
    buf.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    buf.writeByte('\r').writeByte('\n');
    ctx.write(buf).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  private void cancelTimers() {
    cancel(loginTimer);
    cancel(promptGraceTimer);
    cancel(probeDeadline);
    loginTimer = null;
    promptGraceTimer = null;
    probeDeadline = null;
  }

  private static void cancel(Future<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private String quote(String text) {
    String safe = redact(text);
    String cut =
        safe.length() > MAX_QUOTED_TEXT ? safe.substring(0, MAX_QUOTED_TEXT) + "..." : safe;
    return "'" + cut + "'";
  }

  /** A node that echoes input despite our DONT ECHO would put the password into its lines. */
  private String redact(String text) {
    return config.password().map(p -> text.replace(p, "****")).orElse(text);
  }
}
