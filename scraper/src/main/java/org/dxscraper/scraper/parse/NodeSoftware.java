package org.dxscraper.scraper.parse;

/** The cluster software a node runs, as far as its banner or prompt tells. */
public enum NodeSoftware {
  DXSPIDER,
  AR_CLUSTER,
  CC_CLUSTER,
  RBN,
  UNKNOWN;

  /**
   * The software a banner or prompt line names, or {@link #UNKNOWN} when the line names none (most
   * lines). Recognises "running DXSpider", "DX Spider", "AR-Cluster", "CC Cluster", "Reverse
   * Beacon" and the prompt suffixes {@code dxspider >}, {@code arc6>} and {@code CCC >}. Pure and
   * allocation-free; never throws, a null line is UNKNOWN.
   */
  public static NodeSoftware identify(String line) {
    if (line == null) {
      return UNKNOWN;
    }
    if (Chars.containsIgnoreCase(line, "dxspider") || Chars.containsIgnoreCase(line, "dx spider")) {
      return DXSPIDER;
    }
    if (Chars.containsIgnoreCase(line, "ar-cluster")
        || Chars.containsIgnoreCase(line, "arcluster")) {
      return AR_CLUSTER;
    }
    // Checked before RBN: CC Cluster banners advertise "set/skimmer to enable RBN spots".
    if (Chars.containsIgnoreCase(line, "cc cluster")
        || Chars.containsIgnoreCase(line, "cc-cluster")) {
      return CC_CLUSTER;
    }
    if (Chars.containsIgnoreCase(line, "reverse beacon")
        || Chars.containsIgnoreCase(line, "reversebeacon")) {
      return RBN;
    }
    return fromPromptSuffix(line);
  }

  /** The word before the closing '>' of a prompt: "dxspider >", "arc6>", "CCC >". */
  private static NodeSoftware fromPromptSuffix(String line) {
    int end = Chars.trimmedEnd(line);
    if (end == 0 || line.charAt(end - 1) != '>') {
      return UNKNOWN;
    }
    int wordEnd = Chars.trimEnd(line, 0, end - 1);
    int wordStart = Chars.tokenStart(line, 0, wordEnd);
    if (Chars.equalsIgnoreCase(line, wordStart, wordEnd, "dxspider")) {
      return DXSPIDER;
    }
    // AR-Cluster 6 ends its prompt with "arc6>"; older versions with "arc>".
    if (Chars.matchesAt(line, wordStart, wordEnd, "arc")
        && (wordEnd == wordStart + 3 || Chars.parseDigits(line, wordStart + 3, wordEnd) >= 0)) {
      return AR_CLUSTER;
    }
    if (Chars.equalsIgnoreCase(line, wordStart, wordEnd, "CCC")) {
      return CC_CLUSTER;
    }
    return UNKNOWN;
  }
}
