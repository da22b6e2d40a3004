package org.dxscraper.scraper.parse;

import java.time.Instant;
import java.util.Objects;

/**
 * A DX spot: someone (a human or a skimmer) heard {@code dxCall} on {@code frequencyHz}.
 *
 * <p>Calls are kept as the node wrote them, upper-cased; nothing is corrected. The skimmer fields
 * ({@code mode} to {@code spotType}, {@code dxGrid} on FT8 lines) are read only on a skimmer's spot
 * (spotter ending in {@code -#}) whose comment is shaped like an RBN or CC Cluster skimmer comment
 * ({@code CW 24 dB 22 WPM CQ}, {@code FT8 -12 dB FK68 CQ}, DXSpider's relayed {@code CW 23dB Q:9*
 * Z:20}); they are null otherwise, also when a person writes {@code CW -12dB}.
 *
 * @param format the line format the spot came from
 * @param spotter the spotter as given, upper-cased, without the trailing ':'; keeps the SSID and a
 *     skimmer's "-#" suffix
 * @param frequencyHz the frequency in Hz, exact (the line's kHz times 1000), always positive
 * @param dxCall the spotted call as given, upper-cased; not always a call, see {@code
 *     dxCallSuspect}
 * @param comment the comment, trimmed at both ends with inner spacing kept; empty when none
 * @param spottedAt when the spot was made, at minute precision
 * @param timeFromLine false when the line carried no valid time and {@code spottedAt} is the
 *     reception minute
 * @param spotterGrid the spotter's 4 or 6 char locator, upper-cased (DXSpider prints it after the
 *     time), or null
 * @param dxGrid the spotted station's locator (FT8 skimmers, CC11), upper-cased, or null
 * @param spotterZone the spotter's zone DXSpider prints after the time with {@code set/dxcq} (CQ
 *     zone) or {@code set/dxitu} (ITU zone); the CQ zone for CC11 lines; null when absent
 * @param dxZone the spotted station's zone, printed just before the time; as {@code spotterZone}
 * @param mode the skimmer's mode word upper-cased (CW, RTTY, PSK31, FT8, ...), or null
 * @param snrDb the skimmer's signal-to-noise ratio in dB, possibly negative, or null
 * @param speed the skimmer's speed in {@code speedUnit}, or null
 * @param speedUnit WPM or BPS when {@code speed} is set, otherwise null
 * @param spotType what the skimmer heard (CQ, DX, BEACON, NCDXF), or null
 * @param dxCallSuspect true when {@code dxCall} is not shaped like a call ("CQ", "TU", "I", a word
 *     without a digit): kept as given so that nothing is lost, flagged so that nothing trusts it
 */
public record Spot(
    SpotFormat format,
    String spotter,
    long frequencyHz,
    String dxCall,
    String comment,
    Instant spottedAt,
    boolean timeFromLine,
    String spotterGrid,
    String dxGrid,
    Integer spotterZone,
    Integer dxZone,
    String mode,
    Integer snrDb,
    Integer speed,
    SpeedUnit speedUnit,
    SpotType spotType,
    boolean dxCallSuspect)
    implements ClusterMessage {

  /** Signal reports go into a smallint column; skimmers report about -30..60 dB. */
  static final int MIN_SNR_DB = -128;

  static final int MAX_SNR_DB = 127;

  /** Speeds above this are typing errors, not CW or a digimode. */
  static final int MAX_SPEED = 999;

  /** CQ zones run 1..40 and ITU zones 1..90. */
  static final int MAX_ZONE = 90;

  public Spot {
    Objects.requireNonNull(format, "format must not be null");
    requireToken("spotter", spotter);
    if (frequencyHz <= 0) {
      throw new IllegalArgumentException("frequencyHz must be positive, got " + frequencyHz);
    }
    requireToken("dxCall", dxCall);
    Objects.requireNonNull(comment, "comment must not be null");
    Objects.requireNonNull(spottedAt, "spottedAt must not be null");
    if (spottedAt.getEpochSecond() % 60 != 0 || spottedAt.getNano() != 0) {
      throw new IllegalArgumentException("spottedAt must be a whole minute, got " + spottedAt);
    }
    requireGrid("spotterGrid", spotterGrid);
    requireGrid("dxGrid", dxGrid);
    requireRange("spotterZone", spotterZone, 1, MAX_ZONE);
    requireRange("dxZone", dxZone, 1, MAX_ZONE);
    if (mode != null && mode.isEmpty()) {
      throw new IllegalArgumentException("mode must be null or non-empty, got \"\"");
    }
    requireRange("snrDb", snrDb, MIN_SNR_DB, MAX_SNR_DB);
    requireRange("speed", speed, 0, MAX_SPEED);
    if ((speed == null) != (speedUnit == null)) {
      throw new IllegalArgumentException(
          "speed and speedUnit must be both set or both null, got " + speed + " " + speedUnit);
    }
  }

  /** True for a skimmer's spot: RBN and CC Cluster mark skimmer spotters with a "-#" suffix. */
  public boolean skimmer() {
    return isSkimmer(spotter);
  }

  static boolean isSkimmer(String spotter) {
    return spotter.endsWith("-#");
  }

  @Override
  public String kind() {
    return "spot";
  }

  private static void requireToken(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must be non-empty, got " + value);
    }
    for (int i = 0; i < value.length(); i++) {
      if (Chars.isBlank(value.charAt(i))) {
        throw new IllegalArgumentException(
            name + " must not contain blanks, got \"" + value + "\"");
      }
    }
  }

  private static void requireGrid(String name, String value) {
    if (value != null && !Chars.isGrid(value.toCharArray(), 0, value.length())) {
      throw new IllegalArgumentException(
          name + " must be a 4 or 6 char Maidenhead locator, got \"" + value + "\"");
    }
  }

  private static void requireRange(String name, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new IllegalArgumentException(
          name + " must be " + min + ".." + max + " or null, got " + value);
    }
  }
}
