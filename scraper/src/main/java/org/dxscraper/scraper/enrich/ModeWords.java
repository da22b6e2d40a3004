package org.dxscraper.scraper.enrich;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The words that name a mode, each with the mode stored for it, and a matcher that compares a
 * region of a string against them without allocating. Immutable and thread-safe.
 *
 * <p>Decisions: USB and LSB are stored as {@code SSB} (which sideband is convention, not a
 * different mode, and one value keeps "all SSB spots" a single filter); PSK keeps its rate ({@code
 * PSK31}, {@code PSK63}, {@code PSK125}; a bare {@code PSK} or {@code BPSK} stays {@code PSK})
 * because operators look for a rate; sub-mode letters collapse ({@code JT65B} is {@code JT65},
 * {@code Q65A} is {@code Q65}); {@code DIGI}, {@code DIGITAL} and {@code DATA} are stored as {@code
 * DATA}, a stated "some digital mode". {@code AM} is taken at its word although a comment in
 * English may say "I am"; matching whole words only keeps grids ({@code JO22FM}) and calls ({@code
 * CW5X}) out.
 */
final class ModeWords {

  private static final List<String[]> WORD_TO_MODE =
      List.of(
          new String[] {"CW", "CW"},
          new String[] {"SSB", "SSB"},
          new String[] {"USB", "SSB"},
          new String[] {"LSB", "SSB"},
          new String[] {"FM", "FM"},
          new String[] {"AM", "AM"},
          new String[] {"RTTY", "RTTY"},
          new String[] {"PSK", "PSK"},
          new String[] {"BPSK", "PSK"},
          new String[] {"PSK31", "PSK31"},
          new String[] {"BPSK31", "PSK31"},
          new String[] {"PSK63", "PSK63"},
          new String[] {"BPSK63", "PSK63"},
          new String[] {"PSK125", "PSK125"},
          new String[] {"BPSK125", "PSK125"},
          new String[] {"FT8", "FT8"},
          new String[] {"FT4", "FT4"},
          new String[] {"JT65", "JT65"},
          new String[] {"JT65A", "JT65"},
          new String[] {"JT65B", "JT65"},
          new String[] {"JT65C", "JT65"},
          new String[] {"JT9", "JT9"},
          new String[] {"MSK144", "MSK144"},
          new String[] {"Q65", "Q65"},
          new String[] {"Q65A", "Q65"},
          new String[] {"Q65B", "Q65"},
          new String[] {"Q65C", "Q65"},
          new String[] {"Q65D", "Q65"},
          new String[] {"Q65E", "Q65"},
          new String[] {"JS8", "JS8"},
          new String[] {"JS8CALL", "JS8"},
          new String[] {"WSPR", "WSPR"},
          new String[] {"SSTV", "SSTV"},
          new String[] {"FSK441", "FSK441"},
          new String[] {"OLIVIA", "OLIVIA"},
          new String[] {"MFSK", "MFSK"},
          new String[] {"MFSK16", "MFSK"},
          new String[] {"MFSK32", "MFSK"},
          new String[] {"DIGI", "DATA"},
          new String[] {"DIGITAL", "DATA"},
          new String[] {"DATA", "DATA"});

  // Parallel arrays: a comment token is compared against each word; the first match wins.
  private static final String[] WORDS;
  private static final ModeGuess[] STATED;
  private static final Map<String, ModeGuess> INFERRED = new HashMap<>();

  static {
    WORDS = new String[WORD_TO_MODE.size()];
    STATED = new ModeGuess[WORD_TO_MODE.size()];
    Map<String, ModeGuess> statedByMode = new HashMap<>();
    for (int i = 0; i < WORDS.length; i++) {
      String mode = WORD_TO_MODE.get(i)[1];
      WORDS[i] = WORD_TO_MODE.get(i)[0];
      STATED[i] =
          statedByMode.computeIfAbsent(mode, m -> new ModeGuess(m, ModeGuess.Source.STATED));
      INFERRED.computeIfAbsent(mode, m -> new ModeGuess(m, ModeGuess.Source.INFERRED));
    }
  }

  private ModeWords() {}

  /**
   * Returns the stated guess for the mode word in {@code text[start, end)}, compared without regard
   * to case, or null when the region is not a mode word. The returned instance is shared.
   */
  static ModeGuess stated(CharSequence text, int start, int end) {
    int length = end - start;
    for (int i = 0; i < WORDS.length; i++) {
      if (WORDS[i].length() == length && matches(WORDS[i], text, start)) {
        return STATED[i];
      }
    }
    return null;
  }

  /** The shared inferred guess for {@code mode}, which must be one of the stored modes. */
  static ModeGuess inferred(String mode) {
    ModeGuess guess = INFERRED.get(mode);
    if (guess == null) {
      throw new IllegalArgumentException(
          "mode must be one of " + INFERRED.keySet() + ", got " + mode);
    }
    return guess;
  }

  private static boolean matches(String word, CharSequence text, int start) {
    for (int i = 0; i < word.length(); i++) {
      if (word.charAt(i) != Ascii.upper(text.charAt(start + i))) {
        return false;
      }
    }
    return true;
  }
}
