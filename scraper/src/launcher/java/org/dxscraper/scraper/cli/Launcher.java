package org.dxscraper.scraper.cli;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point, compiled for Java 8 (src/launcher, its own compiler run) so that it loads
 * on any Java a newcomer may have on the PATH: an older Java gets one line saying what is needed
 * instead of an {@code UnsupportedClassVersionError} from the first class built for 21. It loads
 * nothing else before the check, then hands over to {@link Main}.
 */
public final class Launcher {
  static final int NEEDED = 21;

  private Launcher() {}

  public static void main(String[] args) throws Throwable {
    String version = System.getProperty("java.specification.version", "?");
    if (feature(version) < NEEDED) {
      System.err.println(
          "dx-scraper: needs Java "
              + NEEDED
              + " or newer, but this is Java "
              + version
              + " ("
              + System.getProperty("java.home")
              + "); run the jar with a newer java, e.g. /usr/lib/jvm/<jdk-21-or-newer>/bin/java"
              + " -jar dx-scraper.jar");
      System.exit(1);
    }
    try {
      Class.forName("org.dxscraper.scraper.cli.Main")
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** 8 for "1.8", 17 for "17": the feature release of a specification version. */
  static int feature(String version) {
    String[] parts = version.split("\\.");
    try {
      int first = Integer.parseInt(parts[0]);
      return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
    } catch (NumberFormatException e) {
      return NEEDED; // an unreadable version: let Main try
    }
  }
}
