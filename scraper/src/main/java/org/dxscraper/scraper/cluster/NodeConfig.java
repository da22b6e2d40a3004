package org.dxscraper.scraper.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One cluster node to log in to.
 *
 * @param name short name used in logs, metrics and the journal (letters, digits, '.', '_', '-')
 * @param addresses where the node listens, tried in turn: the first, and after each failed connect
 *     or lost session the next (fallback addresses of the same node)
 * @param callsign the callsign to log in with, upper-cased here; one daemon per callsign-SSID,
 *     because a node disconnects the first session when the same call logs in twice
 * @param password sent only if the node asks for one; never logged
 * @param initCommands sent one per line right after login, in order
 * @param loginTimeout how long from connect to the first prompt line before giving up
 * @param maxLineLength longest line in bytes (before the LF) that is kept; longer ones are counted
 *     and dropped
 * @param backfillMax the most spots asked for with {@code sh/dx N} after a gap; 0 never asks
 */
public record NodeConfig(
    String name,
    List<NodeAddress> addresses,
    String callsign,
    Optional<String> password,
    List<String> initCommands,
    Duration loginTimeout,
    int maxLineLength,
    int backfillMax) {

  /**
   * DXSpider holds broadcasts back behind a page prompt and drops all but the last 19 unless the
   * page length is 0.
   */
  public static final List<String> DEFAULT_INIT_COMMANDS = List.of("set/page 0");

  /** DXSpider itself closes a connection that has not answered {@code login: } after ~60 s. */
  public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(60);

  /** Real lines are under 200 bytes; 2048 leaves room for wide {@code set/width} output. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 2048;

  /**
   * DXSpider answers at most 100 history lines per {@code sh/dx} by default; more than that is more
   * than a minute of a busy node and the overlap with what is already stored is free anyway.
   */
  public static final int DEFAULT_BACKFILL_MAX = 100;

  static final int MAX_BACKFILL = 1000;

  static final int MIN_LINE_LENGTH = 80;
  static final int MAX_LINE_LENGTH = 1 << 20;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern CALLSIGN = Pattern.compile("[A-Z0-9/-]{3,20}");

  public NodeConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(addresses, "addresses");
    Objects.requireNonNull(callsign, "callsign");
    Objects.requireNonNull(password, "password (use Optional.empty())");
    Objects.requireNonNull(initCommands, "initCommands");
    Objects.requireNonNull(loginTimeout, "loginTimeout");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "node name must be 1..64 letters, digits, '.', '_' or '-', got '" + name + "'");
    }
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("node " + name + ": at least one address is needed");
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
    if (backfillMax < 0 || backfillMax > MAX_BACKFILL) {
      throw new IllegalArgumentException(
          "node "
              + name
              + ": backfill must be 0.."
              + MAX_BACKFILL
              + " spots (0 = off), got "
              + backfillMax);
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

  /**
   * A node at one address with the defaults: no password, {@link #DEFAULT_INIT_COMMANDS}, 60 s,
   * 2048 bytes, backfill of up to {@value #DEFAULT_BACKFILL_MAX} spots.
   */
  public static NodeConfig of(String name, String host, int port, String callsign) {
    return new NodeConfig(
        name,
        List.of(new NodeAddress(host, port)),
        callsign,
        Optional.empty(),
        DEFAULT_INIT_COMMANDS,
        DEFAULT_LOGIN_TIMEOUT,
        DEFAULT_MAX_LINE_LENGTH,
        DEFAULT_BACKFILL_MAX);
  }

  /** The address to use for the {@code attempt}-th connection (0-based), cycling through all. */
  public NodeAddress address(long attempt) {
    return addresses.get((int) Math.floorMod(attempt, (long) addresses.size()));
  }

  /**
   * Parses the {@code --node} flag, {@code NAME=HOST:PORT[,HOST:PORT...]}: the node's address and
   * optional fallback addresses, tried in turn; an IPv6 address goes in brackets ({@code
   * local=[::1]:7300}). Everything else takes the defaults of {@link #of}.
   *
   * @throws IllegalArgumentException saying what is wrong and what was given
   */
  public static NodeConfig parse(String spec, String callsign) {
    String given = spec == null ? "" : spec.strip();
    String usage =
        "--node must be NAME=HOST:PORT[,HOST:PORT...] (e.g. local=127.0.0.1:7300), got '"
            + given
            + "'";
    int equals = given.indexOf('=');
    if (equals <= 0 || equals == given.length() - 1) {
      throw new IllegalArgumentException(usage);
    }
    String name = given.substring(0, equals).strip();
    List<NodeAddress> addresses = new ArrayList<>();
    for (String address : given.substring(equals + 1).split(",")) {
      try {
        addresses.add(NodeAddress.parse(address.strip()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(usage + ": " + e.getMessage(), e);
      }
    }
    NodeConfig defaults = of(name, "localhost", 1, callsign);
    return new NodeConfig(
        name,
        addresses,
        defaults.callsign,
        defaults.password,
        defaults.initCommands,
        defaults.loginTimeout,
        defaults.maxLineLength,
        defaults.backfillMax);
  }

  public NodeConfig withPassword(String newPassword) {
    return new NodeConfig(
        name,
        addresses,
        callsign,
        Optional.of(newPassword),
        initCommands,
        loginTimeout,
        maxLineLength,
        backfillMax);
  }

  public NodeConfig withInitCommands(List<String> newInitCommands) {
    return new NodeConfig(
        name,
        addresses,
        callsign,
        password,
        newInitCommands,
        loginTimeout,
        maxLineLength,
        backfillMax);
  }

  public NodeConfig withLoginTimeout(Duration newLoginTimeout) {
    return new NodeConfig(
        name,
        addresses,
        callsign,
        password,
        initCommands,
        newLoginTimeout,
        maxLineLength,
        backfillMax);
  }

  public NodeConfig withMaxLineLength(int newMaxLineLength) {
    return new NodeConfig(
        name,
        addresses,
        callsign,
        password,
        initCommands,
        loginTimeout,
        newMaxLineLength,
        backfillMax);
  }

  public NodeConfig withBackfillMax(int newBackfillMax) {
    return new NodeConfig(
        name,
        addresses,
        callsign,
        password,
        initCommands,
        loginTimeout,
        maxLineLength,
        newBackfillMax);
  }

  /** Masks the password: records print every component, and configs end up in logs. */
  @Override
  public String toString() {
    return "NodeConfig[name="
        + name
        + ", addresses="
        + addresses
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
        + ", backfillMax="
        + backfillMax
        + "]";
  }

  private static boolean hasLineBreak(String text) {
    return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
  }
}
