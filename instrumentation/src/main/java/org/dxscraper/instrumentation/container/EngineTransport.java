package org.dxscraper.instrumentation.container;

import java.io.IOException;
import java.time.Duration;

/**
 * Sends GET requests to the engine: over a unix socket ({@link UnixSocketTransport}) or TCP ({@link
 * HttpClientTransport}). Implementations are used by one thread at a time.
 */
interface EngineTransport extends AutoCloseable {

  /** Responses larger than this are refused, so a confused engine cannot exhaust the heap. */
  int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  /**
   * Sends {@code GET pathAndQuery} and returns the complete response, whatever its status.
   *
   * @throws IOException if no complete response arrived within the transport's timeout
   */
  EngineResponse get(String pathAndQuery) throws IOException, InterruptedException;

  @Override
  void close();

  static EngineTransport open(DockerHost host, Duration timeout) {
    return host.isUnixSocket()
        ? new UnixSocketTransport(host.socketPath(), timeout)
        : new HttpClientTransport(host.httpBase(), timeout);
  }
}
