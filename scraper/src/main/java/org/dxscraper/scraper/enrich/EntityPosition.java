package org.dxscraper.scraper.enrich;

/**
 * Where an entity is, as its cty.dat header gives it: the point a world map puts its spots on.
 *
 * @param dxcc the entity with its own zones and continent (no alias overrides)
 * @param latitude degrees, north positive, -90..90
 * @param longitude degrees, east positive, -180..180; cty.dat writes west positive, and the parser
 *     has turned it round
 */
public record EntityPosition(Dxcc dxcc, double latitude, double longitude) {

  public EntityPosition {
    if (dxcc == null) {
      throw new IllegalArgumentException("dxcc must not be null");
    }
    if (!(latitude >= -90 && latitude <= 90)) {
      throw new IllegalArgumentException(
          "latitude of " + dxcc.entity() + " must be -90..90, got " + latitude);
    }
    if (!(longitude >= -180 && longitude <= 180)) {
      throw new IllegalArgumentException(
          "longitude of " + dxcc.entity() + " must be -180..180, got " + longitude);
    }
  }
}
