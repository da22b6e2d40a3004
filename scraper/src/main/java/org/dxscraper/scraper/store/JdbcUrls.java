package org.dxscraper.scraper.store;

import java.util.regex.Pattern;

/** JDBC URLs as they may be shown to a person: without the password they may carry. */
public final class JdbcUrls {
  // PgJDBC accepts the password as a URL parameter; it must never reach a log or an error line.
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&]password=)[^&]*");
  // A URL in another form (postgres://user:secret@host/db) carries it before the host.
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/:@]*:)[^/@]*@");

  private JdbcUrls() {}

  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String withoutParameter = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    return USER_INFO_PASSWORD.matcher(withoutParameter).replaceAll("$1***@");
  }
}
