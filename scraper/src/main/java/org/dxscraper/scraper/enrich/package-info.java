/**
 * Enrichment of a parsed spot before it is stored: the band ({@link
 * org.dxscraper.scraper.enrich.BandPlan}), the mode and whether it was stated or inferred ({@link
 * org.dxscraper.scraper.enrich.ModeClassifier}) and the DXCC entity, continent and CQ zone of both
 * calls ({@link org.dxscraper.scraper.enrich.CtyDat}).
 *
 * <p>Everything here runs once or twice per spot on the ingest path (RBN peaks at thousands of
 * spots per second): after construction it is immutable, thread-safe, never throws on odd input and
 * allocates nothing for the common cases, which the tests check with the JVM's per-thread
 * allocation counter.
 */
package org.dxscraper.scraper.enrich;
