package org.dxscraper.scraper.simulate;

import java.time.Instant;

/**
 * A spot as the simulated node holds it; formatted per client by {@link DxSpiderFormat}.
 *
 * @param frequencyTenths frequency in tenths of a kHz, so that formatting never rounds
 */
record SimulatedSpot(
    String spotter, long frequencyTenths, String dxCall, String comment, Instant time) {}
