package org.dxscraper.scraper.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the DXCC entity of a callsign from a cty.dat file (country-files.com format; Debian's
 * {@code hamradio-files} installs one at {@code /usr/share/hamradio-files/cty.dat}).
 *
 * <p>Entities whose primary prefix starts with {@code *} (WAE and other award-list entities such as
 * Sicily, European Turkey or the Vienna International Centre) are kept as entities, as loggers
 * reading cty.dat do: {@link Dxcc#isDxccEntity()} tells them apart. Their prefixes are longer than
 * the DXCC entity's ({@code IT9} against {@code I}), so they win by the longest-prefix rule.
 *
 * <p>A lookup, in order:
 *
 * <ol>
 *   <li>drops leading and trailing blanks, leading {@code /} and everything from the first {@code
 *       -} (SSIDs: {@code -2}, RBN's {@code -#}, {@code -2-#}) and compares without regard to case;
 *   <li>returns an exact-call entry ({@code =K1ABC}) for the whole call if there is one;
 *   <li>drops trailing portable suffixes that do not change the entity ({@code /P}, {@code /M},
 *       {@code /A}, {@code /QRP}, {@code /QRPP}, {@code /LH}, {@code /LGT}, {@code /B}, {@code /J}
 *       and digits such as a US call-area {@code /4}), trying exact-call entries after each; {@code
 *       /MM} (maritime mobile) and {@code /AM} (aeronautical mobile) are in no entity;
 *   <li>of two parts, {@code KH6/K1ABC} or {@code W1AW/VP2E}, takes as the prefix the part that is
 *       itself a prefix in the file, else the shorter part, else the left one;
 *   <li>matches the longest prefix in the file, and applies that alias's zone and continent
 *       overrides.
 * </ol>
 *
 * A call with more than two parts after the suffixes are dropped, or with characters other than
 * letters, digits and {@code /}, belongs to no entity.
 *
 * <p>Immutable and thread-safe after loading. {@link #lookup} never throws and allocates nothing:
 * it probes the tables with regions of the caller's string and returns shared instances.
 */
public final class CtyDat {

  private static final Logger log = LoggerFactory.getLogger(CtyDat.class);

  private final PrefixTrie prefixes;
  private final CallTable exactCalls;
  private final List<EntityPosition> positions;
  private final int entityCount;
  private final int skippedLines;

  private CtyDat(
      PrefixTrie prefixes,
      CallTable exactCalls,
      List<EntityPosition> positions,
      int entityCount,
      int skippedLines) {
    this.prefixes = prefixes;
    this.exactCalls = exactCalls;
    this.positions = positions;
    this.entityCount = entityCount;
    this.skippedLines = skippedLines;
  }

  /**
   * Loads a cty.dat file. Malformed lines are skipped, counted and reported in one WARN line.
   *
   * @throws NoSuchFileException when the file does not exist
   * @throws IOException when the file cannot be read or holds no entity at all; the message names
   *     the path
   */
  public static CtyDat load(Path path) throws IOException {
    CtyDatParser.Result result;
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
      result = new CtyDatParser().parse(reader);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "cty.dat not found");
    } catch (IOException e) {
      throw new IOException("Cannot read cty.dat at " + path + ": " + e, e);
    }
    if (result.entities() == 0) {
      throw new IOException(
          "cty.dat at "
              + path
              + " holds no entity ("
              + result.skippedLines()
              + " malformed lines"
              + (result.firstProblem() == null ? "" : ", first at " + result.firstProblem())
              + "): is it a cty.dat file?");
    }
    if (result.skippedLines() > 0) {
      log.warn(
          "cty.dat at {}: skipped {} malformed lines (first at {})",
          path,
          result.skippedLines(),
          result.firstProblem());
    }
    log.info(
        "Loaded cty.dat from {}: {} entities, {} prefixes, {} exact calls, {} calls listed under"
            + " two entities",
        path,
        result.entities(),
        result.prefixes().size(),
        result.exactCalls().size(),
        result.conflicts());
    return new CtyDat(
        new PrefixTrie(result.prefixes()),
        new CallTable(result.exactCalls()),
        result.positions(),
        result.entities(),
        result.skippedLines());
  }

  /**
   * Loads a cty.dat file if it exists. When it does not, logs one WARN line saying that the DXCC
   * columns stay empty and returns empty.
   *
   * @throws IOException when the file exists but cannot be read or holds no entity
   */
  public static Optional<CtyDat> loadIfPresent(Path path) throws IOException {
    try {
      return Optional.of(load(path));
    } catch (NoSuchFileException e) {
      log.warn(
          "cty.dat not found at {}: DXCC columns stay empty; install Debian's hamradio-files or"
              + " pass --cty",
          path);
      return Optional.empty();
    }
  }

  /** Every entity the file lists, in file order, with the position of its header line. */
  public List<EntityPosition> positions() {
    return positions;
  }

  /**
   * Returns the entity of {@code call}, or empty when the call is null, blank, malformed, maritime
   * or aeronautical mobile, or matches no prefix.
   */
  public Optional<Dxcc> lookup(String call) {
    if (call == null) {
      return Optional.empty();
    }
    int start = 0;
    int end = call.indexOf('-');
    end = end < 0 ? call.length() : end;
    // A leading '/' ("/K1ABC") says nothing; trailing ones are handled as empty suffixes.
    while (start < end && (call.charAt(start) <= ' ' || call.charAt(start) == '/')) {
      start++;
    }
    while (end > start && call.charAt(end - 1) <= ' ') {
      end--;
    }
    if (start == end || !isCall(call, start, end)) {
      return Optional.empty();
    }
    Optional<Dxcc> found = lookupCall(call, start, end);
    return found == null ? Optional.empty() : found;
  }

  /** Entities read from the file, {@code *} entities included. */
  int entityCount() {
    return entityCount;
  }

  /** Lines of the file that were skipped as malformed. */
  int skippedLines() {
    return skippedLines;
  }

  /** Steps 2 to 5 of the class contract on {@code call[start, end)}; null when nothing matches. */
  private Optional<Dxcc> lookupCall(String call, int start, int end) {
    while (true) {
      Optional<Dxcc> exact = exactCalls.get(call, start, end);
      if (exact != null) {
        return exact;
      }
      int slash = call.lastIndexOf('/', end - 1);
      if (slash < start) {
        return longestPrefix(call, start, end);
      }
      switch (Suffix.of(call, slash + 1, end)) {
        case MOBILE_NO_ENTITY -> {
          return null;
        }
        case HOME -> end = slash;
        case OTHER -> {
          return twoParts(call, start, slash, end);
        }
      }
    }
  }

  /** {@code call[start, slash)} and {@code call[slash + 1, end)}: which one is the prefix. */
  private Optional<Dxcc> twoParts(String call, int start, int slash, int end) {
    if (call.lastIndexOf('/', slash - 1) >= start) {
      return null; // three parts none of which is a known suffix: no reliable reading
    }
    int leftLength = slash - start;
    int rightLength = end - slash - 1;
    boolean leftIsPrefix = prefixes.contains(call, start, slash);
    boolean rightIsPrefix = prefixes.contains(call, slash + 1, end);
    // VP2E/W1AW: both parts look like calls, but only VP2E is a prefix in the file.
    boolean left = leftIsPrefix != rightIsPrefix ? leftIsPrefix : leftLength <= rightLength;
    return left ? longestPrefix(call, start, slash) : longestPrefix(call, slash + 1, end);
  }

  private Optional<Dxcc> longestPrefix(String call, int start, int end) {
    return prefixes.longestPrefix(call, start, end);
  }

  /** What a part after the last {@code /} says about the entity. */
  private enum Suffix {
    /** Portable, mobile, QRP, lighthouse, call area: the entity is the home call's. */
    HOME,
    /** Maritime or aeronautical mobile: in no entity. */
    MOBILE_NO_ENTITY,
    /** Anything else, such as a prefix in {@code W1AW/VP2E} or a call in {@code KH6/K1ABC}. */
    OTHER;

    private static final String[] HOME_WORDS = {
      "P", "M", "A", "QRP", "QRPP", "LH", "LGT", "B", "J"
    };

    static Suffix of(String call, int start, int end) {
      if (allDigits(call, start, end)) {
        return HOME; // also an empty part, as in "K1ABC/"
      }
      if (is(call, start, end, "MM") || is(call, start, end, "AM")) {
        return MOBILE_NO_ENTITY;
      }
      for (String word : HOME_WORDS) {
        if (is(call, start, end, word)) {
          return HOME;
        }
      }
      return OTHER;
    }

    private static boolean is(String call, int start, int end, String word) {
      return end - start == word.length() && call.regionMatches(true, start, word, 0, end - start);
    }

    private static boolean allDigits(String call, int start, int end) {
      for (int i = start; i < end; i++) {
        if (!Ascii.isDigit(call.charAt(i))) {
          return false;
        }
      }
      return true;
    }
  }

  private static boolean isCall(String call, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = call.charAt(i);
      if (!Ascii.isLetterOrDigit(c) && c != '/') {
        return false;
      }
    }
    return true;
  }
}
