package org.dxscraper.scraper.ingest;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.dxscraper.scraper.enrich.BandPlan;
import org.dxscraper.scraper.enrich.CtyDat;
import org.dxscraper.scraper.enrich.Dxcc;
import org.dxscraper.scraper.enrich.ModeClassifier;
import org.dxscraper.scraper.enrich.ModeGuess;
import org.dxscraper.scraper.parse.Spot;
import org.dxscraper.scraper.parse.SpotFormat;
import org.dxscraper.scraper.store.PendingRow.SpotRow;

/**
 * Turns a parsed spot into the row that is stored: band, mode (stated or inferred), and DXCC
 * entity, continent and CQ zone for both calls where cty.dat is loaded. Thread-safe; allocation is
 * the row itself.
 */
public final class Enricher {
  private final ModeClassifier modes = new ModeClassifier();
  private final CtyDat cty;

  /**
   * @param cty the cty.dat to look calls up in; null leaves the DXCC columns empty
   */
  public Enricher(CtyDat cty) {
    this.cty = cty;
  }

  public SpotRow row(String node, Spot spot, Instant receivedAt) {
    Objects.requireNonNull(node, "node");
    ModeGuess mode = modes.classify(spot.comment(), spot.mode(), spot.frequencyHz());
    Dxcc dx = lookup(spot.dxCall());
    Dxcc spotter = lookup(spot.spotter());
    return new SpotRow(
        spot.spottedAt(),
        receivedAt,
        node,
        spot.spotter(),
        spot.frequencyHz(),
        spot.dxCall(),
        spot.comment(),
        BandPlan.bandOf(spot.frequencyHz()),
        mode.mode(),
        mode.sourceColumnValue(),
        spot.snrDb(),
        spot.speed(),
        spot.speedUnit() == null ? null : spot.speedUnit().name(),
        spot.spotType() == null ? null : spot.spotType().name(),
        spot.dxGrid(),
        spot.spotterGrid(),
        dx == null ? null : dx.entity(),
        dx == null ? null : dx.continent(),
        dx == null ? null : dx.cqZone(),
        spotter == null ? null : spotter.entity(),
        spotter == null ? null : spotter.continent(),
        spotter == null ? null : spotter.cqZone(),
        spot.format() == SpotFormat.SHOW_DX);
  }

  private Dxcc lookup(String call) {
    if (cty == null) {
      return null;
    }
    Optional<Dxcc> found = cty.lookup(call);
    return found.orElse(null);
  }
}
