package org.dxscraper.instrumentation.container;

import java.io.IOException;

/**
 * Sends GET requests to the engine. {@link NettyEngineTransport} does it over a unix socket or TCP;
 * tests play the engine with one of their own. Implementations are used by one thread at a time.
 */
interface EngineTransport extends AutoCloseable {

  /**
   * Sends {@code GET pathAndQuery} and returns the complete response, whatever its status.
   *
   * @throws IOException if no complete response arrived within the transport's timeout; the message
   *     names the request and the engine
   */
  EngineResponse get(String pathAndQuery) throws IOException, InterruptedException;

  @Override
  void close();
}
