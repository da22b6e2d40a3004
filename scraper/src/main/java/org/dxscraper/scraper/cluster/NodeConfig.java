package org.dxscraper.scraper.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One cluster node to log in to.
 *
 * @param name short name used in logs, metrics and the journal (letters, digits, '.', '_', '-')
 * @param host host name or IP address
 * @param port TCP port, 1..65535
 * @param callsign the callsign to log in with, upper-cased here; one daemon per callsign-SSID,
 *     because a node disconnects the first session when the same call logs in twice
 * @param password sent only if the node asks for one; never logged
 * @param initCommands sent one per line right after login, in order
 * @param loginTimeout how long from connect to the first prompt line before giving up
 * @param maxLineLength longest line in bytes (before the LF) that is kept; longer ones are counted
 *     and dropped
 */
public record NodeConfig(
    String name,
    String host,
    int port,
    String callsign,
    Optional<String> password,
    List<String> initCommands,
    Duration loginTimeout,
    int maxLineLength) {

  /**
   * DXSpider holds broadcasts back behind a page prompt and drops all but the last 19 unless the
   * page length is 0.
   */
  public static final List<String> DEFAULT_INIT_COMMANDS = List.of("set/page 0");

  /** DXSpider itself closes a connection that has not answered {@code login: } after ~60 s. */
  public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(60);

  /** Real lines are under 200 bytes; 2048 leaves room for wide {@code set/width} output. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 2048;

  static final int MIN_LINE_LENGTH = 80;
  static final int MAX_LINE_LENGTH = 1 << 20;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern CALLSIGN = Pattern.compile("[A-Z0-9/-]{3,20}");

  public NodeConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(callsign, "callsign");
    Objects.requireNonNull(password, "password (use Optional.empty())");
    Objects.requireNonNull(initCommands, "initCommands");
    Objects.requireNonNull(loginTimeout, "loginTimeout");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "node name must be 1..64 letters, digits, '.', '_' or '-', got '" + name + "'");
    }
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "node " + name + ": host must be non-blank without spaces, got '" + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("node " + name + ": port must be 1..65535, got " + port);
    }
    callsign = callsign.strip().toUpperCase(Locale.ROOT);
    if (!CALLSIGN.matcher(callsign).matches()) {
      throw new IllegalArgumentException(
          "node "
              + name
              + ": callsign must be 3..20 letters, digits, '/' or '-', got '"
              + callsign
              + "'");
    }
    if (password.isPresent() && (password.get().isEmpty() || hasLineBreak(password.get()))) {
      // Not echoing the value: it is a secret even when it is wrong.
      throw new IllegalArgumentException(
          "node " + name + ": password must be non-empty and on one line");
    }
    initCommands = List.copyOf(initCommands);
    for (String command : initCommands) {
      if (command.isBlank() || hasLineBreak(command)) {
        throw new IllegalArgumentException(
            "node "
                + name
                + ": init commands must be non-blank single lines, got '"
                + command.replace("\r", "\\r").replace("\n", "\\n")
                + "'");
      }
    }
    if (loginTimeout.isNegative() || loginTimeout.isZero()) {
      throw new IllegalArgumentException(
          "node " + name + ": loginTimeout must be positive, got " + loginTimeout);
    }
    if (maxLineLength < MIN_LINE_LENGTH || maxLineLength > MAX_LINE_LENGTH) {
      throw new IllegalArgumentException(
          "node "
              + name
              + ": maxLineLength must be "
              + MIN_LINE_LENGTH
              + ".."
              + MAX_LINE_LENGTH
              + " bytes, got "
              + maxLineLength);
    }
  }

  /** A node with the defaults: no password, {@link #DEFAULT_INIT_COMMANDS}, 60 s, 2048 bytes. */
  public static NodeConfig of(String name, String host, int port, String callsign) {
    return new NodeConfig(
        name,
        host,
        port,
        callsign,
        Optional.empty(),
        DEFAULT_INIT_COMMANDS,
        DEFAULT_LOGIN_TIMEOUT,
        DEFAULT_MAX_LINE_LENGTH);
  }

  /**
   * Parses the {@code --node} flag, {@code NAME=HOST:PORT}; an IPv6 address goes in brackets
   * ({@code local=[::1]:7300}). Everything else takes the defaults of {@link #of}.
   *
   * @throws IllegalArgumentException saying what is wrong and what was given
   */
  public static NodeConfig parse(String spec, String callsign) {
    String given = spec == null ? "" : spec.strip();
    String usage = "--node must be NAME=HOST:PORT (e.g. local=127.0.0.1:7300), got '" + given + "'";
    int equals = given.indexOf('=');
    if (equals <= 0 || equals == given.length() - 1) {
      throw new IllegalArgumentException(usage);
    }
    String name = given.substring(0, equals);
    String address = given.substring(equals + 1);
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException(usage + ": missing ':PORT'");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(usage + ": put an IPv6 address in brackets, [::1]:7300");
    }
    String portText = address.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          usage + ": port must be a number 1..65535, got '" + portText + "'", e);
    }
    return of(name, host, port, callsign);
  }

  public NodeConfig withPassword(String newPassword) {
    return new NodeConfig(
        name,
        host,
        port,
        callsign,
        Optional.of(newPassword),
        initCommands,
        loginTimeout,
        maxLineLength);
  }

  public NodeConfig withInitCommands(List<String> newInitCommands) {
    return new NodeConfig(
        name, host, port, callsign, password, newInitCommands, loginTimeout, maxLineLength);
  }

  public NodeConfig withLoginTimeout(Duration newLoginTimeout) {
    return new NodeConfig(
        name, host, port, callsign, password, initCommands, newLoginTimeout, maxLineLength);
  }

  public NodeConfig withMaxLineLength(int newMaxLineLength) {
    return new NodeConfig(
        name, host, port, callsign, password, initCommands, loginTimeout, newMaxLineLength);
  }

  /** Masks the password: records print every component, and configs end up in logs. */
  @Override
  public String toString() {
    return "NodeConfig[name="
        + name
        + ", host="
        + host
        + ", port="
        + port
        + ", callsign="
        + callsign
        + ", password="
        + (password.isPresent() ? "****" : "none")
        + ", initCommands="
        + initCommands
        + ", loginTimeout="
        + loginTimeout
        + ", maxLineLength="
        + maxLineLength
        + "]";
  }

  private static boolean hasLineBreak(String text) {
    return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
  }
}
