package org.dxscraper.scraper.cluster;

import java.util.Objects;

/**
 * Where a node listens.
 *
 * @param host host name or IP address (an IPv6 address without brackets)
 * @param port TCP port, 1..65535
 */
public record NodeAddress(String host, int port) {

  public NodeAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "host must be non-blank without spaces, got '" + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
  }

  /**
   * Parses {@code HOST:PORT}; an IPv6 address goes in brackets, {@code [::1]:7300}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static NodeAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("missing ':PORT' in '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("put an IPv6 address in brackets, [::1]:7300");
    }
    String portText = text.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "port must be a number 1..65535, got '" + portText + "'", e);
    }
    return new NodeAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
