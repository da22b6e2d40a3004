package org.dxscraper.instrumentation.container;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine API over plain TCP, through the JDK's HTTP client. The timeout bounds the connect and
 * the wait for the response headers; the engine's small JSON bodies follow at once.
 */
final class HttpClientTransport implements EngineTransport {

  private final URI base;
  private final Duration timeout;
  private final HttpClient client;

  HttpClientTransport(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    // HTTP/1.1 because dockerd speaks nothing else over plain TCP; the default would first offer
    // an h2c upgrade on every new connection.
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public EngineResponse get(String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(pathAndQuery))
            .GET()
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("User-Agent", "dx-scraper")
            .build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IOException("GET " + pathAndQuery + " on " + base + ": " + e, e);
    }
    if (response.body().length > MAX_RESPONSE_BYTES) {
      throw new IOException(
          "response to " + pathAndQuery + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
    }
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
      headers.put(header.getKey().toLowerCase(Locale.ROOT), String.join(", ", header.getValue()));
    }
    return new EngineResponse(response.statusCode(), headers, response.body());
  }

  @Override
  public void close() {
    client.shutdownNow();
  }
}
