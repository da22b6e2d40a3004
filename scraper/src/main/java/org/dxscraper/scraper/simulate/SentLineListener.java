package org.dxscraper.scraper.simulate;

/**
 * Told about every broadcast line the simulator sends, once per line however many clients get it,
 * in sending order.
 *
 * <p>Called on the simulator's event loop: must return fast, must not block and must not throw (an
 * exception is logged and the listener stays registered).
 */
@FunctionalInterface
public interface SentLineListener {

  void onSent(SentLine line);
}
