package org.dxscraper.scraper.store;

import java.util.regex.Pattern;

/** JDBC URLs as they may be shown to a person: without the password they may carry. */
public final class JdbcUrls {
  // PgJDBC accepts the password as a URL parameter; it must never reach a log or an error line.
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&]password=)[^&]*");

  private JdbcUrls() {}

  public static String redact(String url) {
    return url == null ? null : PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
  }
}
