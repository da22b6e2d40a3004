package org.dxscraper.scraper.simulate;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the simulated node, behaving like a DXSpider user session: {@code login: } without
 * a newline, a rejected callsign closes, hello lines and a prompt after login, a reply and a prompt
 * after every command (an empty line gets just the prompt), broadcasts in the user's width with BEL
 * BEL unless {@code unset/beep}. A second login with the same call takes the session over: this one
 * gets {@code Reconnected as CALL, this instance is disconnected} and is closed. A silent session
 * ({@code silentAfter}, {@link SimulatorServer#silenceClients()}) is half-open: it reads and logs
 * commands but sends nothing, not even prompts, and keeps its socket.
 *
 * <p>Runs on the simulator's event loop, like the {@link SimulatorBroadcaster} that calls {@link
 * #deliver}.
 */
final class SimulatorSessionHandler extends SimpleChannelInboundHandler<String> {

  /** DXSpider closes a connection that has not answered {@code login: } after about a minute. */
  static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(60);

  static final String VERSION_LINE = "running DXSpider V1.57 build 441";

  private static final Logger log = LoggerFactory.getLogger(SimulatorSessionHandler.class);

  /** Call-shaped: letters and digits with at least one of each, /suffixes, an optional -SSID. */
  private static final Pattern VALID_CALL =
      Pattern.compile("(?=[A-Z0-9/]*[0-9])(?=[A-Z0-9/]*[A-Z])[A-Z0-9]+(/[A-Z0-9]+)*(-[0-9]{1,2})?");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final int DEFAULT_SHOW_DX = 10;
  private static final int MAX_SHOW_DX = 100;
  private static final byte[] BEEP_CRLF = {7, 7, '\r', '\n'};
  private static final byte[] CRLF = {'\r', '\n'};

  private final SimulatorOptions options;
  private final SimulatorBroadcaster broadcaster;
  private final InstantSource clock;

  private ChannelHandlerContext ctx;
  private Future<?> loginTimer;
  private String call;
  private boolean beep = true;
  private int width = DxSpiderFormat.DEFAULT_WIDTH;
  private long spotsDelivered;
  private boolean silent;
  private boolean closing;

  SimulatorSessionHandler(
      SimulatorOptions options, SimulatorBroadcaster broadcaster, InstantSource clock) {
    this.options = options;
    this.broadcaster = broadcaster;
    this.clock = clock;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    if (context.channel().isActive()) {
      start(context);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext context) {
    start(context);
    context.fireChannelActive();
  }

  private void start(ChannelHandlerContext context) {
    if (ctx != null) {
      return;
    }
    ctx = context;
    sendLoginPrompt();
    loginTimer =
        ctx.executor()
            .schedule(
                () -> {
                  log.info("simulator: {} did not log in within {}", remote(), LOGIN_TIMEOUT);
                  ctx.close();
                },
                LOGIN_TIMEOUT.toNanos(),
                TimeUnit.NANOSECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext context, String line) {
    if (call != null) {
      // Logged even when silent: a test wants to see the keepalive a client sent to a stuck node.
      broadcaster.commandReceived(line.strip());
    }
    if (silent || closing) {
      return;
    }
    if (call == null) {
      login(line.strip().toUpperCase(Locale.ROOT));
    } else {
      command(line.strip());
    }
    ctx.flush();
  }

  /** The logged-in call, null before login. */
  String call() {
    return call;
  }

  /**
   * Another session has logged in with this call: say so like DXSpider does and close. A silent
   * session is closed without a word, as it sends nothing.
   */
  void takenOver() {
    if (closing) {
      return;
    }
    log.info("simulator: {} logged in again elsewhere, disconnecting {}", call, remote());
    closing = true;
    if (!silent) {
      writeLine("Reconnected as " + call + ", this instance is disconnected");
    }
    ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Sends nothing more from now on (what is written so far is flushed), socket left open.
   *
   * @param why what asked for it, for the log
   */
  void goSilent(String why) {
    if (silent || closing) {
      return;
    }
    log.info("simulator: going silent to {} after {} spots ({})", call, spotsDelivered, why);
    ctx.flush();
    silent = true;
  }

  private void sendLoginPrompt() {
    ByteBuf prompt = ctx.alloc().buffer(8);
    prompt.writeCharSequence("login: ", StandardCharsets.ISO_8859_1);
    ctx.writeAndFlush(prompt);
  }

  private void login(String candidate) {
    if (candidate.isEmpty()) {
      sendLoginPrompt();
      return;
    }
    if (!VALID_CALL.matcher(candidate).matches()) {
      log.info("simulator: {} tried invalid callsign '{}', closing", remote(), candidate);
      writeLine("Sorry " + candidate + " is an invalid callsign");
      closing = true;
      ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    call = candidate;
    loginTimer.cancel(false);
    writeLine("Hello " + call + ", this is " + options.nodeCall() + " in Loopback");
    writeLine(VERSION_LINE);
    writePrompt();
    log.info("simulator: {} logged in from {}", call, remote());
    broadcaster.register(this);
  }

  private void command(String line) {
    String[] words = line.isEmpty() ? new String[0] : WHITESPACE.split(line);
    String verb = words.length == 0 ? "" : words[0].toLowerCase(Locale.ROOT);
    String argument = words.length > 1 ? words[1] : null;
    switch (verb) {
      case "" -> {}
      case "set/page" -> {
        Integer lines = number(argument);
        writeLine(lines == null ? "Invalid command" : "Page Length is now " + lines + " lines");
      }
      case "unset/beep" -> {
        beep = false;
        writeLine("Beeps are now off");
      }
      case "set/beep" -> {
        beep = true;
        writeLine("Beeps are now on");
      }
      case "set/width" -> {
        Integer columns = number(argument);
        if (columns == null) {
          writeLine("Invalid command");
        } else {
          width = Math.max(DxSpiderFormat.MIN_WIDTH, columns); // DXSpider: never below 80
          writeLine("Page width is now " + width + " columns");
        }
      }
      case "sh/dx", "show/dx" -> showDx(argument);
      case "bye", "quit" -> {
        writeLine("73 " + call + ", thanks for using " + options.nodeCall());
        closing = true;
        ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      default -> writeLine("Invalid command");
    }
    writePrompt();
  }

  private void showDx(String argument) {
    Integer n = number(argument);
    String callFilter = argument != null && n == null ? argument : null;
    int wanted = n == null ? DEFAULT_SHOW_DX : Math.min(Math.max(n, 1), MAX_SHOW_DX);
    List<SimulatedSpot> spots = broadcaster.history(wanted, callFilter);
    if (spots.isEmpty() && callFilter != null) {
      writeLine("sh/dx: '" + callFilter + "' not found");
    }
    for (SimulatedSpot spot : spots) {
      writeLine(DxSpiderFormat.historyLine(spot));
    }
    broadcaster.historyServed(spots);
  }

  /**
   * Sends one broadcast line, without flushing (the broadcaster flushes once per tick). Counts
   * spots for {@code silentAfter} and {@code closeAfter}.
   */
  void deliver(SentLine line, SimulatedSpot spotOrNull) {
    if (silent || closing) {
      return;
    }
    // The broadcaster formats spots for the default width; only a wider client needs its own.
    String text =
        spotOrNull == null || width == DxSpiderFormat.DEFAULT_WIDTH
            ? line.text()
            : DxSpiderFormat.spotLine(spotOrNull, width);
    write(text, beep && line.kind().beeps() ? BEEP_CRLF : CRLF);
    if (spotOrNull == null) {
      return;
    }
    spotsDelivered++;
    if (options.closeAfter() > 0 && spotsDelivered >= options.closeAfter()) {
      log.info("simulator: closing {} after {} spots (closeAfter)", call, spotsDelivered);
      closing = true;
      ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
    } else if (options.silentAfter() > 0 && spotsDelivered >= options.silentAfter()) {
      goSilent("silentAfter");
    }
  }

  void flush() {
    ctx.flush();
  }

  /**
   * Whether the channel takes more without queueing past Netty's high-water mark; a silent or
   * closing session drops what it is given, so it always does.
   */
  boolean writable() {
    return silent || closing || ctx.channel().isWritable();
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    if (loginTimer != null) {
      loginTimer.cancel(false);
    }
    if (call != null) {
      broadcaster.unregister(this);
      log.info("simulator: {} disconnected after {} spots", call, spotsDelivered);
    }
    context.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      return; // an overlong command line is ignored, like DXSpider does
    }
    log.info("simulator: closing {} after {}", remote(), cause.toString());
    context.close();
  }

  private void writePrompt() {
    writeLine(DxSpiderFormat.promptLine(call, options.nodeCall(), clock.instant()));
  }

  private void writeLine(String text) {
    write(text, CRLF);
  }

  private void write(String text, byte[] end) {
    ByteBuf buf = ctx.alloc().buffer(text.length() + end.length);
    buf.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    buf.writeBytes(end);
    ctx.write(buf, ctx.voidPromise());
  }

  private String remote() {
    return String.valueOf(ctx.channel().remoteAddress());
  }

  private static Integer number(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Integer.valueOf(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
