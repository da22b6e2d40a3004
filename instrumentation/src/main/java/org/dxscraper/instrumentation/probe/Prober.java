package org.dxscraper.instrumentation.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Performs single probes, blocking the calling thread for at most about the timeout. Meant to be
 * called on virtual threads, one per target; thread-safe.
 *
 * <p>HTTP probes follow redirects like blackbox_exporter's default ({@code follow_redirects:
 * true}), except that the JDK's {@link HttpClient.Redirect#NORMAL} refuses a downgrade from HTTPS
 * to HTTP; the status reported is that of the final response. Success is a 2xx status, which is
 * blackbox_exporter's default {@code valid_status_codes}. The body is read and discarded.
 */
final class Prober implements AutoCloseable {

  private final Duration timeout;
  private final LongSupplier nanoTicker;
  private final HttpClient http;

  /**
   * @param needsHttp whether any target is an HTTP one: the JDK's HTTP client starts a selector
   *     thread when it is built, which wakes up on its own even with nothing to do, so a daemon
   *     probing only ports (or nothing) has none
   */
  Prober(Duration timeout, LongSupplier nanoTicker, Executor httpExecutor, boolean needsHttp) {
    this.timeout = timeout;
    this.nanoTicker = nanoTicker;
    this.http =
        needsHttp
            ? HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(httpExecutor)
                .build()
            : null;
  }

  ProbeResult probe(ProbeTarget target) throws InterruptedException {
    return target.isHttp() ? probeHttp(target) : probeTcp(target);
  }

  private ProbeResult probeTcp(ProbeTarget target) {
    long start = nanoTicker.getAsLong();
    // Resolving inside the probe, as blackbox_exporter does: a name that stops resolving is a
    // failed probe, not a start-up error.
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(target.uri().getHost(), target.uri().getPort()), timeoutMillis());
      return ProbeResult.succeeded(since(start), 0);
    } catch (IOException e) {
      return ProbeResult.failed(since(start), 0, describe(e));
    }
  }

  private ProbeResult probeHttp(ProbeTarget target) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(target.uri())
            .GET()
            .timeout(timeout)
            .header("User-Agent", "dx-scraper probe")
            .build();
    long start = nanoTicker.getAsLong();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      if (status >= 200 && status <= 299) {
        return ProbeResult.succeeded(since(start), status);
      }
      return ProbeResult.failed(since(start), status, "HTTP status " + status);
    } catch (IOException e) {
      return ProbeResult.failed(since(start), 0, describe(e));
    }
  }

  private Duration since(long startNanos) {
    return Duration.ofNanos(nanoTicker.getAsLong() - startNanos);
  }

  private int timeoutMillis() {
    // Socket.connect treats 0 as "wait forever", so a sub-millisecond timeout rounds up.
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  @Override
  public void close() {
    if (http != null) {
      http.shutdownNow();
    }
  }
}
