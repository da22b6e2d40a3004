package org.dxscraper.scraper.enrich;

/**
 * The mode of a spot and where it came from, for {@code spot.mode} and {@code spot.mode_source}.
 * Either both are present or both are null ({@link #UNKNOWN}).
 *
 * @param mode upper case, 1 to 16 letters and digits ({@code "CW"}, {@code "FT8"}, {@code
 *     "PSK31"}), or null when unknown
 * @param source whether a person or skimmer stated the mode or the band plan suggested it; null
 *     exactly when {@code mode} is null
 */
public record ModeGuess(String mode, Source source) {

  /** No mode: nothing stated it and the frequency lies in no segment with a clear mode. */
  public static final ModeGuess UNKNOWN = new ModeGuess(null, null);

  /** Where a mode came from. */
  public enum Source {
    /** A skimmer's mode field or a mode word in the comment. */
    STATED("stated"),
    /** The band plan: the frequency lies in a segment used by one mode. */
    INFERRED("inferred");

    private final String columnValue;

    Source(String columnValue) {
      this.columnValue = columnValue;
    }

    /** The value stored in {@code spot.mode_source}: {@code "stated"} or {@code "inferred"}. */
    public String columnValue() {
      return columnValue;
    }
  }

  public ModeGuess {
    if ((mode == null) != (source == null)) {
      throw new IllegalArgumentException(
          "mode and source must both be present or both be null, got mode="
              + mode
              + ", source="
              + source);
    }
    if (mode != null && !isModeName(mode)) {
      throw new IllegalArgumentException(
          "mode must be 1..16 upper-case letters and digits, got '" + mode + "'");
    }
  }

  /** True when a mode is known. */
  public boolean isKnown() {
    return mode != null;
  }

  /** {@code source().columnValue()}, or null when no mode is known. */
  public String sourceColumnValue() {
    return source == null ? null : source.columnValue();
  }

  private static boolean isModeName(String mode) {
    if (mode.isEmpty() || mode.length() > 16) {
      return false;
    }
    for (int i = 0; i < mode.length(); i++) {
      char c = mode.charAt(i);
      if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }
}
