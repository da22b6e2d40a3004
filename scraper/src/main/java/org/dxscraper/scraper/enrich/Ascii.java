package org.dxscraper.scraper.enrich;

/**
 * ASCII character tests for calls and comments. {@link Character#toUpperCase} would also map
 * Latin-1 letters, which never belong to a call or a mode word and which comments do carry.
 */
final class Ascii {

  private Ascii() {}

  /** ASCII upper case; every other character unchanged. */
  static char upper(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** ASCII letters and digits: what calls, prefixes and mode words are made of. */
  static boolean isLetterOrDigit(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c);
  }
}
