package org.dxscraper.scraper.enrich;

import java.util.Set;

/**
 * The entity a callsign belongs to, as cty.dat describes it, with the zone and continent overrides
 * of the matching prefix or call already applied.
 *
 * @param entity the entity's name, such as {@code "United States of America"} or {@code "Sicily"}
 * @param primaryPrefix the entity's primary prefix as cty.dat writes it; a leading {@code *} marks
 *     an entity on the WAE or another award list that is not a DXCC entity ({@code "*IT9"})
 * @param continent two letters: AF, AN, AS, EU, NA, OC or SA
 * @param cqZone 1..40
 * @param ituZone 1..90
 */
public record Dxcc(String entity, String primaryPrefix, String continent, int cqZone, int ituZone) {

  private static final Set<String> CONTINENTS = Set.of("AF", "AN", "AS", "EU", "NA", "OC", "SA");

  public Dxcc {
    if (entity == null || entity.isBlank()) {
      throw new IllegalArgumentException("entity must not be blank, got '" + entity + "'");
    }
    if (primaryPrefix == null || primaryPrefix.isBlank()) {
      throw new IllegalArgumentException(
          "primary prefix of " + entity + " must not be blank, got '" + primaryPrefix + "'");
    }
    if (continent == null || !CONTINENTS.contains(continent)) {
      throw new IllegalArgumentException(
          "continent of " + entity + " must be one of " + CONTINENTS + ", got '" + continent + "'");
    }
    if (cqZone < 1 || cqZone > 40) {
      throw new IllegalArgumentException("CQ zone of " + entity + " must be 1..40, got " + cqZone);
    }
    if (ituZone < 1 || ituZone > 90) {
      throw new IllegalArgumentException(
          "ITU zone of " + entity + " must be 1..90, got " + ituZone);
    }
  }

  /**
   * False for cty.dat's {@code *} entities (on the WAE or another award list, but not on the DXCC
   * list), true for all others.
   */
  public boolean isDxccEntity() {
    return !primaryPrefix.startsWith("*");
  }
}
