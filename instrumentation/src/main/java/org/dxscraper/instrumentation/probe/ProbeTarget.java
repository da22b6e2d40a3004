package org.dxscraper.instrumentation.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One endpoint to probe, as given by {@code --probe NAME=tcp://HOST:PORT} or {@code --probe
 * NAME=http(s)://URL}. The name becomes the {@code target} label of the probe metrics, so it is
 * short and stable where the URL may change.
 *
 * @param name label value, {@code [A-Za-z0-9][A-Za-z0-9_.-]*}
 * @param uri {@code tcp://HOST:PORT} (nothing after the port), or an {@code http}/{@code https} URL
 *     with a host
 */
public record ProbeTarget(String name, URI uri) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final String FORMAT = "probe must be NAME=tcp://HOST:PORT or NAME=http(s)://URL";

  public ProbeTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "probe name must match " + NAME.pattern() + ", got \"" + name + "\"");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "tcp" -> requireTcpShape(name, uri);
      case "http", "https" -> {
        if (uri.getHost() == null) {
          throw new IllegalArgumentException(
              "probe " + name + ": an HTTP URL needs a host, got " + uri);
        }
      }
      default -> throw new IllegalArgumentException(FORMAT + ", got " + name + "=" + uri);
    }
  }

  /**
   * Parses the {@code --probe} flag's value.
   *
   * @throws IllegalArgumentException naming the expected shape and the value given
   */
  public static ProbeTarget parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException(FORMAT + ", got \"" + spec + "\"");
    }
    String name = spec.substring(0, eq).strip();
    String url = spec.substring(eq + 1).strip();
    try {
      return new ProbeTarget(name, new URI(url));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          FORMAT + ", got \"" + spec + "\" (" + e.getMessage() + ")", e);
    }
  }

  /** True for {@code http} and {@code https} targets, false for {@code tcp}. */
  public boolean isHttp() {
    return !uri.getScheme().equalsIgnoreCase("tcp");
  }

  private static void requireTcpShape(String name, URI uri) {
    // A tcp URI with a path or query is almost certainly a typo for http://, so refuse it.
    boolean bare =
        (uri.getPath() == null || uri.getPath().isEmpty())
            && uri.getQuery() == null
            && uri.getFragment() == null
            && uri.getUserInfo() == null;
    if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535 || !bare) {
      throw new IllegalArgumentException(
          FORMAT + ", got " + name + "=" + uri + " (tcp needs exactly HOST:PORT, port 1..65535)");
    }
  }

  @Override
  public String toString() {
    return name + "=" + uri;
  }
}
