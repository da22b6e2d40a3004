package org.dxscraper.instrumentation.container;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the Docker Engine API (or podman's Docker-compatible API) listens, as given by {@code
 * --docker-host}: {@code unix:///PATH} for a socket, {@code tcp://HOST:PORT} or {@code
 * http://HOST:PORT} for plain TCP. TLS ({@code https://}, Docker's port 2376 with client
 * certificates) is not supported.
 */
public record DockerHost(URI uri) {

  private static final String FORMAT =
      "docker host must be unix:///PATH, tcp://HOST:PORT or http://HOST:PORT";

  /** Docker's default socket on Linux. */
  public static final DockerHost DEFAULT = parse("unix:///var/run/docker.sock");

  public DockerHost {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "unix" -> {
        if (uri.getRawAuthority() != null
            || uri.getPath() == null
            || !uri.getPath().startsWith("/")
            || uri.getPath().length() < 2
            || uri.getQuery() != null) {
          throw new IllegalArgumentException(
              FORMAT + ", got " + uri + " (a socket needs an absolute path after unix://)");
        }
      }
      case "tcp", "http" -> {
        boolean bare =
            (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
                && uri.getQuery() == null
                && uri.getUserInfo() == null;
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535 || !bare) {
          throw new IllegalArgumentException(
              FORMAT + ", got " + uri + " (TCP needs exactly HOST:PORT, port 1..65535)");
        }
      }
      default -> throw new IllegalArgumentException(FORMAT + ", got " + uri);
    }
  }

  /**
   * Parses the {@code --docker-host} flag's value.
   *
   * @throws IllegalArgumentException naming the accepted shapes and the value given
   */
  public static DockerHost parse(String value) {
    Objects.requireNonNull(value, "value");
    try {
      return new DockerHost(new URI(value.strip()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          FORMAT + ", got \"" + value + "\" (" + e.getMessage() + ")", e);
    }
  }

  /** True for {@code unix://}, false for TCP. */
  public boolean isUnixSocket() {
    return uri.getScheme().equalsIgnoreCase("unix");
  }

  /**
   * Where to connect: the socket file, or HOST:PORT unresolved, so that a name such as {@code
   * docker-proxy} is looked up again for each connection and follows the proxy to a new address.
   */
  SocketAddress socketAddress() {
    if (isUnixSocket()) {
      return UnixDomainSocketAddress.of(uri.getPath());
    }
    // URI keeps the brackets of an IPv6 literal ("[::1]"); a resolver wants the address alone.
    String name = uri.getHost();
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    return InetSocketAddress.createUnresolved(name, uri.getPort());
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
