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
   * Beacon" and the prompt suffixes {@code dxspider >}, {@code arc6>} and {@code CCC >}. Pure;
   * never throws, a null line is UNKNOWN.
   */
  public static NodeSoftware identify(String line) {
    return line == null ? UNKNOWN : identify(line.toCharArray(), 0, line.length());
  }

  /** {@link #identify(String)} for the text in {@code [from, to)} of a line's chars. */
  static NodeSoftware identify(char[] line, int from, int to) {
    if (Chars.containsIgnoreCase(line, from, to, "dxspider")
        || Chars.containsIgnoreCase(line, from, to, "dx spider")) {
      return DXSPIDER;
    }
    if (Chars.containsIgnoreCase(line, from, to, "ar-cluster")
        || Chars.containsIgnoreCase(line, from, to, "arcluster")) {
      return AR_CLUSTER;
    }
    // Checked before RBN: CC Cluster banners advertise "set/skimmer to enable RBN spots".
    if (Chars.containsIgnoreCase(line, from, to, "cc cluster")
        || Chars.containsIgnoreCase(line, from, to, "cc-cluster")) {
      return CC_CLUSTER;
    }
    if (Chars.containsIgnoreCase(line, from, to, "reverse beacon")
        || Chars.containsIgnoreCase(line, from, to, "reversebeacon")) {
      return RBN;
    }
    return fromPromptSuffix(line, from, to);
  }

  /** The word before the closing '>' of a prompt: "dxspider >", "arc6>", "CCC >". */
  private static NodeSoftware fromPromptSuffix(char[] line, int from, int to) {
    int end = Chars.trimEnd(line, from, to);
    if (end == from || line[end - 1] != '>') {
      return UNKNOWN;
    }
    int wordEnd = Chars.trimEnd(line, from, end - 1);
    int wordStart = Chars.tokenStart(line, from, wordEnd);
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
