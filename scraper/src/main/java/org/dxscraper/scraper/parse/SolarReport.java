package org.dxscraper.scraper.parse;

import java.time.Instant;
import java.util.Objects;

/**
 * A propagation report: {@code WWV de STATION <HH>: SFI=70, A=12, K=3, forecast} or {@code WCY de
 * STATION <HH> : K=4 expK=2 A=14 R=0 SFI=68 SA=qui GMF=act Au=no}.
 *
 * <p>Numbers go into smallint columns, so the parser keeps only values in the documented ranges and
 * leaves the others null; the raw text keeps what was written.
 *
 * @param bulletin WWV (from the NOAA bulletin) or WCY (from DK0WCY); not named {@code kind}, which
 *     {@link ClusterMessage#kind()} takes
 * @param station the call that entered the report, upper-cased
 * @param hour the UTC hour the report is for, 0..23
 * @param reportedAt that hour on the reception date, or the day before when the hour lies ahead
 * @param sfi the solar flux index, 0..999, or null
 * @param aIndex the A index, 0..999, or null
 * @param kIndex the K index, 0..9, or null
 * @param expectedK the expected K index (WCY {@code expK}), 0..9, or null
 * @param r the sunspot number (WCY {@code R}), 0..999, or null
 * @param ssn the sunspot number where a node writes {@code SSN=}, 0..999, or null
 * @param sa solar activity (WCY {@code SA}, e.g. "qui", "maj"), or null
 * @param gmf the geomagnetic field (WCY {@code GMF}, e.g. "act", "sev"), or null
 * @param aurora the aurora flag (WCY {@code Au}, e.g. "no", "aurora"), or null
 * @param forecast the free text after the numbers (WWV "No Storms -> No Storms"), or null
 * @param rawText the whole text after the header's colon, trimmed
 */
public record SolarReport(
    Kind bulletin,
    String station,
    int hour,
    Instant reportedAt,
    Integer sfi,
    Integer aIndex,
    Integer kIndex,
    Integer expectedK,
    Integer r,
    Integer ssn,
    String sa,
    String gmf,
    String aurora,
    String forecast,
    String rawText)
    implements ClusterMessage {

  /** Which bulletin a report comes from. */
  public enum Kind {
    WWV,
    WCY
  }

  static final int MAX_INDEX = 999;

  static final int MAX_K = 9;

  public SolarReport {
    Objects.requireNonNull(bulletin, "bulletin must not be null");
    Talk.requireWord("station", station);
    if (hour < 0 || hour > 23) {
      throw new IllegalArgumentException("hour must be 0..23, got " + hour);
    }
    Objects.requireNonNull(reportedAt, "reportedAt must not be null");
    if (reportedAt.getEpochSecond() % 3600 != 0 || reportedAt.getNano() != 0) {
      throw new IllegalArgumentException("reportedAt must be a whole hour, got " + reportedAt);
    }
    requireRange("sfi", sfi, MAX_INDEX);
    requireRange("aIndex", aIndex, MAX_INDEX);
    requireRange("kIndex", kIndex, MAX_K);
    requireRange("expectedK", expectedK, MAX_K);
    requireRange("r", r, MAX_INDEX);
    requireRange("ssn", ssn, MAX_INDEX);
    Objects.requireNonNull(rawText, "rawText must not be null");
  }

  @Override
  public String kind() {
    return "solar";
  }

  private static void requireRange(String name, Integer value, int max) {
    if (value != null && (value < 0 || value > max)) {
      throw new IllegalArgumentException(name + " must be 0.." + max + " or null, got " + value);
    }
  }
}
