/**
 * When to try again: the one backoff type that node reconnects and database writes share, so that
 * both spread their retries the same way (exponential, full jitter, a floor and a cap).
 */
package org.dxscraper.scraper.retry;
