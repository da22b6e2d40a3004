package org.dxscraper.instrumentation.container;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The engine API over a unix socket, which the JDK's HTTP client cannot use: one connection per
 * request, {@code Connection: close}, a hand-written HTTP/1.1 GET and {@link Http1ResponseDecoder}.
 * Non-blocking I/O with a selector, because a blocking unix {@link SocketChannel} has no read
 * timeout and the whole request must finish within the timeout.
 */
final class UnixSocketTransport implements EngineTransport {

  private final UnixDomainSocketAddress address;
  private final Duration timeout;

  UnixSocketTransport(Path socket, Duration timeout) {
    this.address = UnixDomainSocketAddress.of(socket);
    this.timeout = timeout;
  }

  @Override
  public EngineResponse get(String pathAndQuery) throws IOException, InterruptedException {
    byte[] request =
        ("GET "
                + pathAndQuery
                + " HTTP/1.1\r\n"
                // dockerd refuses HTTP/1.1 requests without Host; any name will do on a socket.
                + "Host: docker\r\n"
                + "User-Agent: dx-scraper\r\n"
                + "Accept: application/json\r\n"
                + "Connection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      SelectionKey key = channel.register(selector, 0);
      if (!channel.connect(address)) {
        await(key, SelectionKey.OP_CONNECT, deadline, "connecting");
        channel.finishConnect();
      }
      ByteBuffer out = ByteBuffer.wrap(request);
      while (out.hasRemaining()) {
        if (channel.write(out) == 0) {
          await(key, SelectionKey.OP_WRITE, deadline, "sending the request");
        }
      }
      return readResponse(channel, key, deadline);
    } catch (IOException e) {
      throw new IOException("GET " + pathAndQuery + " on " + address.getPath() + ": " + e, e);
    }
  }

  private EngineResponse readResponse(SocketChannel channel, SelectionKey key, long deadline)
      throws IOException, InterruptedException {
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(MAX_RESPONSE_BYTES);
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    while (true) {
      in.clear();
      int read = channel.read(in);
      if (read < 0) {
        return decoder.decode(true).orElseThrow();
      }
      if (read == 0) {
        await(key, SelectionKey.OP_READ, deadline, "waiting for the response");
        continue;
      }
      in.flip();
      decoder.feed(in);
      Optional<EngineResponse> response = decoder.decode(false);
      if (response.isPresent()) {
        return response.get();
      }
    }
  }

  private void await(SelectionKey key, int operation, long deadline, String doing)
      throws IOException, InterruptedException {
    key.interestOps(operation);
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new SocketTimeoutException("timed out after " + timeout + " " + doing);
      }
      // select(0) would wait forever, so never pass less than 1 ms.
      int ready = key.selector().select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while " + doing);
      }
      if (ready > 0) {
        key.selector().selectedKeys().clear();
        return;
      }
    }
  }

  @Override
  public void close() {
    // Nothing held between requests.
  }
}
