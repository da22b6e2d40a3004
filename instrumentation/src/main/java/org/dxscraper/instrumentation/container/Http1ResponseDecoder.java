package org.dxscraper.instrumentation.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes one HTTP/1.1 response from bytes fed as they arrive: a status line, headers, and a body
 * framed by {@code Transfer-Encoding: chunked}, by {@code Content-Length}, or by the end of the
 * connection. Not thread-safe; one instance per response.
 *
 * <p>{@link #decode} re-parses from the first byte each time it is called. Engine responses are a
 * few kilobytes, so this costs less than keeping parser state between reads would cost in code.
 */
final class Http1ResponseDecoder {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

  private final int maxBytes;
  private byte[] buffer = new byte[8192];
  private int length;

  Http1ResponseDecoder(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Appends the remaining bytes of {@code bytes}. */
  void feed(ByteBuffer bytes) throws IOException {
    int count = bytes.remaining();
    if (count > maxBytes - length) {
      throw new IOException("response is larger than " + maxBytes + " bytes");
    }
    if (length + count > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(length + count, buffer.length * 2));
    }
    bytes.get(buffer, length, count);
    length += count;
  }

  /**
   * Returns the response if the bytes fed so far hold all of it.
   *
   * @param endOfStream true once the peer has closed the connection: then an incomplete response is
   *     an error, and a body without length ends here
   * @throws IOException if the bytes are no HTTP/1.x response, or it was cut short
   */
  Optional<EngineResponse> decode(boolean endOfStream) throws IOException {
    int start = 0;
    while (true) {
      int headerEnd = indexOf(HEADER_END, start);
      if (headerEnd < 0) {
        return incomplete(endOfStream, "before the end of the headers");
      }
      String head = new String(buffer, start, headerEnd - start, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      int status = parseStatus(lines[0]);
      Map<String, String> headers = parseHeaders(lines);
      int bodyStart = headerEnd + HEADER_END.length;
      if (status >= 100 && status <= 199) {
        // An interim response (103 Early Hints) precedes the real one; skip it.
        start = bodyStart;
        continue;
      }
      if (status == 204 || status == 304) {
        return Optional.of(new EngineResponse(status, headers, new byte[0]));
      }
      String transferEncoding = headers.get("transfer-encoding");
      if (transferEncoding != null
          && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
        return decodeChunked(status, headers, bodyStart, endOfStream);
      }
      String contentLength = headers.get("content-length");
      if (contentLength != null) {
        long declared = parseContentLength(contentLength);
        if (length - bodyStart >= declared) {
          byte[] body = Arrays.copyOfRange(buffer, bodyStart, bodyStart + (int) declared);
          return Optional.of(new EngineResponse(status, headers, body));
        }
        return incomplete(
            endOfStream, "after " + (length - bodyStart) + " of " + declared + " body bytes");
      }
      if (!endOfStream) {
        return Optional.empty();
      }
      return Optional.of(
          new EngineResponse(status, headers, Arrays.copyOfRange(buffer, bodyStart, length)));
    }
  }

  private Optional<EngineResponse> decodeChunked(
      int status, Map<String, String> headers, int bodyStart, boolean endOfStream)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int position = bodyStart;
    while (true) {
      int lineEnd = indexOf(CRLF, position);
      if (lineEnd < 0) {
        return incomplete(endOfStream, "inside a chunked body");
      }
      long size =
          parseChunkSize(
              new String(buffer, position, lineEnd - position, StandardCharsets.US_ASCII));
      position = lineEnd + CRLF.length;
      if (size == 0) {
        return skipTrailers(status, headers, body.toByteArray(), position, endOfStream);
      }
      if (length - position < size + CRLF.length) {
        return incomplete(endOfStream, "inside a chunked body");
      }
      body.write(buffer, position, (int) size);
      position += (int) size;
      if (buffer[position] != '\r' || buffer[position + 1] != '\n') {
        throw new IOException("chunk of " + size + " bytes is not followed by CRLF");
      }
      position += CRLF.length;
    }
  }

  private Optional<EngineResponse> skipTrailers(
      int status, Map<String, String> headers, byte[] body, int position, boolean endOfStream)
      throws IOException {
    while (true) {
      int lineEnd = indexOf(CRLF, position);
      if (lineEnd < 0) {
        return incomplete(endOfStream, "inside the trailers of a chunked body");
      }
      if (lineEnd == position) {
        return Optional.of(new EngineResponse(status, headers, body));
      }
      position = lineEnd + CRLF.length;
    }
  }

  private static int parseStatus(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
      throw new IOException("not an HTTP/1.x status line: \"" + abbreviate(statusLine) + "\"");
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP/1.x status line: \"" + abbreviate(statusLine) + "\"", e);
    }
  }

  private static Map<String, String> parseHeaders(String[] lines) throws IOException {
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header line: \"" + abbreviate(lines[i]) + "\"");
      }
      String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).strip();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    return headers;
  }

  private long parseContentLength(String value) throws IOException {
    try {
      long declared = Long.parseLong(value);
      if (declared < 0 || declared > maxBytes) {
        throw new IOException("Content-Length must be 0.." + maxBytes + ", got " + value);
      }
      return declared;
    } catch (NumberFormatException e) {
      throw new IOException("Content-Length must be a number, got \"" + value + "\"", e);
    }
  }

  private long parseChunkSize(String line) throws IOException {
    // A chunk size may carry extensions after ';', which HTTP lets us ignore.
    int semicolon = line.indexOf(';');
    String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
    try {
      long size = Long.parseLong(hex, 16);
      if (size < 0 || size > maxBytes) {
        throw new IOException("chunk size must be 0.." + maxBytes + ", got " + hex);
      }
      return size;
    } catch (NumberFormatException e) {
      throw new IOException("chunk size must be hexadecimal, got \"" + abbreviate(line) + "\"", e);
    }
  }

  private Optional<EngineResponse> incomplete(boolean endOfStream, String where)
      throws IOException {
    if (endOfStream) {
      throw new IOException(
          "connection closed " + where + " (" + length + " bytes of response received)");
    }
    return Optional.empty();
  }

  private int indexOf(byte[] pattern, int from) {
    outer:
    for (int i = from; i <= length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (buffer[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
