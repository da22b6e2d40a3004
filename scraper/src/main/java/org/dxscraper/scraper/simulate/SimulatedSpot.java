package org.dxscraper.scraper.simulate;

import java.time.Instant;

/**
 * A spot as the simulated node holds it; formatted per client by {@link DxSpiderFormat}.
 *
 * @param frequencyTenths frequency in tenths of a kHz, so that formatting never rounds
 * @param comment the whole comment; a line shows it cut to the client's width
 * @param time when the node took the spot; a line shows it as HHMMZ
 */
public record SimulatedSpot(
    String spotter, long frequencyTenths, String dxCall, String comment, Instant time) {

  /** The frequency in Hz, as the parser gives it. */
  public long frequencyHz() {
    return frequencyTenths * 100;
  }
}
