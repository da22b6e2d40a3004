package org.dxscraper.scraper.parse;

/** The line format a {@link Spot} was read from. */
public enum SpotFormat {
  /** A live broadcast {@code DX de SPOTTER: FREQ CALL comment HHMMZ}; the date is inferred. */
  DX_DE,
  /** A {@code show/dx} or {@code sh/mydx} history line, which carries a full date. */
  SHOW_DX,
  /** CC Cluster's machine format {@code CC11^freq^call^date^time^comment^spotter^...}. */
  CC11
}
