package org.dxscraper.scraper.parse;

/** What a skimmer heard, from the field before the time of an RBN or CC Cluster skimmer spot. */
public enum SpotType {
  /** The station was calling CQ. */
  CQ,
  /** The station was calling a specific continent or "DX". */
  DX,
  /** A beacon ({@code BEACON}, {@code BCN}). */
  BEACON,
  /**
   * A beacon of the NCDXF/IARU network (RBN writes {@code NCDXF B}, CC Cluster {@code NCDXF BCN}).
   */
  NCDXF
}
