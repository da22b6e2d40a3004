package org.dxscraper.instrumentation.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class Http1ResponseDecoderTest {

  @Test
  void decodesContentLengthBodyOnlyOnceComplete() throws IOException {
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(1024);
    feed(decoder, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n");
    assertThat(decoder.decode(false)).isEmpty();
    feed(decoder, "\r\n[1,2");
    assertThat(decoder.decode(false)).isEmpty();
    feed(decoder, ",3]");

    EngineResponse response = decoder.decode(false).orElseThrow();

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).isEqualTo("application/json");
    assertThat(text(response)).isEqualTo("[1,2,3]");
  }

  @Test
  void decodesChunkedBodyWithExtensionsAndTrailers() throws IOException {
    // The shape of dockerd's and podman's answers to /containers/json.
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(1024);
    feed(decoder, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-Encoding: chunked\r\n\r\n");
    feed(decoder, "5;name=value\r\n[{\"a\"\r\n");
    assertThat(decoder.decode(false)).isEmpty();
    feed(decoder, "A\r\n:1},{\"b\":2\r\n2\r\n}]\r\n0\r\n");
    assertThat(decoder.decode(false)).isEmpty();
    feed(decoder, "X-Trailer: t\r\n\r\n");

    EngineResponse response = decoder.decode(false).orElseThrow();

    assertThat(response.header("Api-Version")).isEqualTo("1.41");
    assertThat(text(response)).isEqualTo("[{\"a\":1},{\"b\":2}]");
  }

  @Test
  void readsBodyWithoutLengthUntilConnectionCloses() throws IOException {
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(1024);
    feed(decoder, "HTTP/1.0 404 Not Found\r\n\r\n{\"message\":\"no such container\"}");

    assertThat(decoder.decode(false)).isEmpty();
    EngineResponse response = decoder.decode(true).orElseThrow();

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.bodyExcerpt()).isEqualTo("{\"message\":\"no such container\"}");
  }

  @Test
  void skipsInterimResponse() throws IOException {
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(1024);
    feed(decoder, "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");

    assertThat(decoder.decode(false).map(EngineResponse::status)).isEqualTo(Optional.of(204));
  }

  @Test
  void reportsResponseCutShort() {
    assertThatThrownBy(() -> decodeAtEnd("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
        .isInstanceOf(IOException.class)
        .hasMessage("connection closed after 3 of 10 body bytes (42 bytes of response received)");
    assertThatThrownBy(
            () -> decodeAtEnd("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"))
        .hasMessageStartingWith("connection closed inside a chunked body");
    assertThatThrownBy(() -> decodeAtEnd("HTTP/1.1 200 OK\r\nContent-"))
        .hasMessageStartingWith("connection closed before the end of the headers");
  }

  @Test
  void refusesWhatIsNoHttpResponse() {
    assertThatThrownBy(() -> decodeAtEnd("SSH-2.0-OpenSSH_9.2\r\n\r\n"))
        .hasMessage("not an HTTP/1.x status line: \"SSH-2.0-OpenSSH_9.2\"");
    assertThatThrownBy(() -> decodeAtEnd("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"))
        .hasMessage("malformed header line: \"no colon\"");
    assertThatThrownBy(
            () -> decodeAtEnd("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
        .hasMessage("chunk size must be hexadecimal, got \"zz\"");
    assertThatThrownBy(
            () -> decodeAtEnd("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc"))
        .hasMessage("chunk of 1 bytes is not followed by CRLF");
  }

  @Test
  void refusesResponseLargerThanLimit() throws IOException {
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(64);
    feed(decoder, "HTTP/1.1 200 OK\r\n");

    assertThatThrownBy(() -> feed(decoder, "X".repeat(64)))
        .hasMessage("response is larger than 64 bytes");
    assertThatThrownBy(() -> decodeAtEnd("HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n"))
        .hasMessage("Content-Length must be 0..1024, got 99999");
  }

  private static Optional<EngineResponse> decodeAtEnd(String bytes) throws IOException {
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(1024);
    feed(decoder, bytes);
    return decoder.decode(true);
  }

  private static void feed(Http1ResponseDecoder decoder, String bytes) throws IOException {
    decoder.feed(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static String text(EngineResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
