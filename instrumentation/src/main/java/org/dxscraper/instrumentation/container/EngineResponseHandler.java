package org.dxscraper.instrumentation.container;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.TooLongHttpContentException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one request once the channel is connected and completes {@link #response()} with the
 * aggregated answer, or with the reason there is none; then closes the channel. One instance per
 * connection.
 *
 * <p>Threading: the handler methods run on the channel's event loop; {@link #response()} and {@link
 * #phase()} may be read from any thread.
 */
final class EngineResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

  private final HttpRequest request;
  private final int maxResponseBytes;
  private final CompletableFuture<EngineResponse> response = new CompletableFuture<>();
  private volatile String phase = "connecting";

  EngineResponseHandler(HttpRequest request, int maxResponseBytes) {
    this.request = request;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** Completes once, normally with any HTTP status, exceptionally with an {@link IOException}. */
  CompletableFuture<EngineResponse> response() {
    return response;
  }

  /** What the exchange was doing last, for a timeout's message: "connecting", ... */
  String phase() {
    return phase;
  }

  /** For a connect that failed before the channel became active, which this handler never sees. */
  void connectFailed(Throwable cause) {
    response.completeExceptionally(cause);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    phase = "sending the request";
    ctx.writeAndFlush(request)
        .addListener(
            written -> {
              if (written.isSuccess()) {
                phase = "waiting for the response";
              } else {
                fail(ctx, written.cause());
              }
            });
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse message) {
    if (message.decoderResult().isFailure()) {
      Throwable cause = message.decoderResult().cause();
      fail(ctx, new IOException("malformed response: " + cause.getMessage(), cause));
      return;
    }
    if (message.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      // An interim response (103 Early Hints) precedes the real one.
      return;
    }
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, String> header : message.headers()) {
      headers.merge(
          header.getKey().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + ", " + b);
    }
    response.complete(
        new EngineResponse(
            message.status().code(), headers, ByteBufUtil.getBytes(message.content())));
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The aggregator's own messages name neither the limit nor the engine's part.
    if (cause instanceof TooLongHttpContentException) {
      cause = new IOException("response is larger than " + maxResponseBytes + " bytes", cause);
    } else if (cause instanceof PrematureChannelClosureException) {
      cause = cutShort(cause);
    }
    fail(ctx, cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // A no-op when the response is complete: the engine closes after it (Connection: close).
    response.completeExceptionally(cutShort(null));
    ctx.fireChannelInactive();
  }

  private IOException cutShort(Throwable cause) {
    return new IOException(
        "connection closed while " + phase + ", before the response was complete", cause);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    response.completeExceptionally(cause);
    ctx.close();
  }
}
