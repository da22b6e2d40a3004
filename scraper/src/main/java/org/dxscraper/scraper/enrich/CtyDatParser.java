package org.dxscraper.scraper.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the cty.dat format: an entity header line at column 0,
 *
 * <pre>Name:  CQ:  ITU:  Cont:  Lat:  Long:  UTC offset:  Primary prefix:</pre>
 *
 * followed by indented lines of comma-separated aliases ending in {@code ;}. An alias is a prefix,
 * or a whole call when it starts with {@code =}, optionally followed by overrides: {@code (cq)},
 * {@code [itu]}, {@code <lat/long>}, {@code {continent}}, {@code ~utc~}. The header's latitude and
 * longitude are kept per entity (a map needs them); an alias's own position and every UTC offset
 * are checked but not kept.
 *
 * <p>A malformed line is skipped and counted, never fatal: a header that does not parse skips its
 * whole entity (its alias lines are counted too); a malformed alias skips that alias and counts its
 * line once. When two entities list the same key, the first wins, except that a {@code *} entity
 * wins over a DXCC entity: the file lists WAE stations such as {@code =4U1A} (Vienna International
 * Centre) under both, and the {@code *} entity is the more specific answer.
 *
 * <p>One instance parses one file; not thread-safe.
 */
final class CtyDatParser {

  /** What a file held; maps are keyed by upper-case prefix or call. */
  record Result(
      Map<String, Optional<Dxcc>> prefixes,
      Map<String, Optional<Dxcc>> exactCalls,
      List<EntityPosition> positions,
      int entities,
      int skippedLines,
      String firstProblem,
      int conflicts) {}

  // The file is read as ISO-8859-1, where UTF-8's byte order mark reads as these three letters.
  private static final String UTF8_BOM_AS_LATIN1 = "\u00ef\u00bb\u00bf";

  private final Map<String, Optional<Dxcc>> prefixes = new HashMap<>();
  private final Map<String, Optional<Dxcc>> exactCalls = new HashMap<>();
  // One shared Optional per distinct entity and override combination: in Debian's file 27,000
  // aliases share about 430.
  private final Map<Dxcc, Optional<Dxcc>> interned = new HashMap<>();
  private final List<EntityPosition> positions = new ArrayList<>();

  private Dxcc entity;
  private int lineNumber;
  private int entities;
  private int skippedLines;
  private String firstProblem;
  private int conflicts;

  Result parse(BufferedReader reader) throws IOException {
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      if (lineNumber == 1 && line.startsWith(UTF8_BOM_AS_LATIN1)) {
        line = line.substring(UTF8_BOM_AS_LATIN1.length()); // a copy saved by a Windows editor
      }
      if (line.isBlank()) {
        continue;
      }
      try {
        if (Character.isWhitespace(line.charAt(0))) {
          parseAliasLine(line);
        } else {
          entity = null; // stays null if the header is malformed: its aliases are skipped too
          EntityPosition header = parseHeader(line);
          entity = header.dxcc();
          positions.add(header);
          entities++;
        }
      } catch (IllegalArgumentException e) {
        skip(e.getMessage());
      }
    }
    return new Result(
        prefixes,
        exactCalls,
        List.copyOf(positions),
        entities,
        skippedLines,
        firstProblem,
        conflicts);
  }

  private static EntityPosition parseHeader(String line) {
    String[] fields = line.split(":", -1);
    if (fields.length < 9 || !fields[8].isBlank()) {
      throw new IllegalArgumentException(
          "an entity header has 8 fields each ending in ':', got " + (fields.length - 1));
    }
    String name = fields[0].strip();
    int cq = parseInt(fields[1], "CQ zone");
    int itu = parseInt(fields[2], "ITU zone");
    double latitude = parseDouble(fields[4], "latitude");
    // cty.dat counts longitude positive to the west, unlike maps.
    double longitude = -parseDouble(fields[5], "longitude");
    parseDouble(fields[6], "UTC offset");
    String prefix = fields[7].strip();
    if (prefix.isEmpty() || prefix.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("primary prefix must be one word, got '" + prefix + "'");
    }
    return new EntityPosition(
        new Dxcc(name, prefix, fields[3].strip(), cq, itu), latitude, longitude);
  }

  private void parseAliasLine(String line) {
    if (entity == null) {
      throw new IllegalArgumentException("alias line outside an entity (no header before it)");
    }
    int end = line.indexOf(';');
    String aliases = end >= 0 ? line.substring(0, end) : line;
    String problem = null;
    for (String alias : aliases.split(",", -1)) {
      String token = alias.strip();
      if (token.isEmpty()) {
        continue; // the comma that ends a continued line
      }
      try {
        addAlias(token);
      } catch (IllegalArgumentException e) {
        problem = problem != null ? problem : e.getMessage();
      }
    }
    if (end >= 0) {
      entity = null;
    }
    if (problem != null) {
      skip(problem);
    }
  }

  private void addAlias(String token) {
    boolean exact = token.charAt(0) == '=';
    int keyStart = exact ? 1 : 0;
    int keyEnd = keyStart;
    while (keyEnd < token.length() && isCallChar(token.charAt(keyEnd))) {
      keyEnd++;
    }
    if (keyEnd == keyStart) {
      throw new IllegalArgumentException("alias has no call or prefix: '" + token + "'");
    }
    String key = token.substring(keyStart, keyEnd).toUpperCase(Locale.ROOT);
    Dxcc dxcc = applyOverrides(token, keyEnd);
    put(exact ? exactCalls : prefixes, key, interned.computeIfAbsent(dxcc, Optional::of));
  }

  private Dxcc applyOverrides(String token, int from) {
    int cq = entity.cqZone();
    int itu = entity.ituZone();
    String continent = entity.continent();
    int i = from;
    while (i < token.length()) {
      char open = token.charAt(i);
      char close =
          switch (open) {
            case '(' -> ')';
            case '[' -> ']';
            case '<' -> '>';
            case '{' -> '}';
            case '~' -> '~';
            default ->
                throw new IllegalArgumentException(
                    "unexpected '" + open + "' in alias '" + token + "'");
          };
      int closeAt = token.indexOf(close, i + 1);
      if (closeAt < 0) {
        throw new IllegalArgumentException("unclosed '" + open + "' in alias '" + token + "'");
      }
      String value = token.substring(i + 1, closeAt);
      switch (open) {
        case '(' -> cq = parseInt(value, "CQ zone");
        case '[' -> itu = parseInt(value, "ITU zone");
        case '{' -> continent = value.strip();
        case '<' -> parseLatLong(value);
        default -> parseDouble(value, "UTC offset");
      }
      i = closeAt + 1;
    }
    return new Dxcc(entity.entity(), entity.primaryPrefix(), continent, cq, itu);
  }

  private void put(Map<String, Optional<Dxcc>> map, String key, Optional<Dxcc> value) {
    Optional<Dxcc> existing = map.putIfAbsent(key, value);
    if (existing == null || existing.get().entity().equals(value.get().entity())) {
      return;
    }
    conflicts++;
    if (existing.get().isDxccEntity() && !value.get().isDxccEntity()) {
      map.put(key, value);
    }
  }

  private void skip(String problem) {
    skippedLines++;
    if (firstProblem == null) {
      firstProblem = "line " + lineNumber + ": " + problem;
    }
  }

  private static boolean isCallChar(char c) {
    return Ascii.isLetterOrDigit(c) || c == '/';
  }

  private static int parseInt(String text, String what) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number, got '" + text + "'", e);
    }
  }

  private static double parseDouble(String text, String what) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a number, got '" + text + "'", e);
    }
  }

  private static void parseLatLong(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("position must be <lat/long>, got '" + text + "'");
    }
    parseDouble(text.substring(0, slash), "latitude");
    parseDouble(text.substring(slash + 1), "longitude");
  }
}
