package org.dxscraper.scraper.parse;

/** The unit of a skimmer's speed field: words per minute for CW, bits per second for digimodes. */
public enum SpeedUnit {
  WPM,
  BPS
}
