package org.dxscraper.scraper.enrich;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * cty.dat's prefixes as a trie, for the longest prefix of a call in one walk down its characters.
 * The hash table it replaced probed once per prefix length, hashing the region again each time:
 * about 0.8 µs per lookup against 0.2 µs here (CtyDatBenchmark, docs/BENCHMARKS.md).
 *
 * <p>Nodes are numbered breadth-first and flattened into arrays: the edges of node {@code n} are
 * {@code edgeChar[edgeStart[n] .. edgeStart[n + 1])}, sorted, with their target nodes beside them.
 * Keys are upper case (letters, digits, {@code /}); the text is compared without regard to ASCII
 * case. Immutable, thread-safe, and a lookup allocates nothing.
 */
final class PrefixTrie {

  private final int[] edgeStart;
  private final char[] edgeChar;
  private final int[] edgeTarget;
  private final Optional<Dxcc>[] values;

  PrefixTrie(Map<String, Optional<Dxcc>> entries) {
    Builder root = new Builder();
    entries.forEach((key, value) -> root.put(key, value));
    List<Builder> nodes = new ArrayList<>();
    nodes.add(root);
    int edges = 0;
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).index = i;
      nodes.addAll(nodes.get(i).children.values());
      edges += nodes.get(i).children.size();
    }
    edgeStart = new int[nodes.size() + 1];
    edgeChar = new char[edges];
    edgeTarget = new int[edges];
    @SuppressWarnings({"unchecked", "rawtypes"}) // no generic array creation in Java
    Optional<Dxcc>[] v = new Optional[nodes.size()];
    values = v;
    int edge = 0;
    for (Builder node : nodes) {
      edgeStart[node.index] = edge;
      values[node.index] = node.value;
      for (Map.Entry<Character, Builder> child : node.children.entrySet()) {
        edgeChar[edge] = child.getKey();
        edgeTarget[edge] = child.getValue().index;
        edge++;
      }
    }
    edgeStart[nodes.size()] = edge;
  }

  /**
   * The value of the longest key that {@code text[start, end)} starts with, or null when no key is
   * a prefix of it.
   */
  Optional<Dxcc> longestPrefix(String text, int start, int end) {
    Optional<Dxcc> best = null;
    int node = 0;
    for (int i = start; i < end; i++) {
      node = child(node, Ascii.upper(text.charAt(i)));
      if (node < 0) {
        break;
      }
      if (values[node] != null) {
        best = values[node];
      }
    }
    return best;
  }

  /** Whether {@code text[start, end)} is itself a key. */
  boolean contains(String text, int start, int end) {
    int node = 0;
    for (int i = start; i < end && node >= 0; i++) {
      node = child(node, Ascii.upper(text.charAt(i)));
    }
    return node > 0 && values[node] != null;
  }

  /** Binary search among the node's edges, which are sorted by character. */
  private int child(int node, char c) {
    int low = edgeStart[node];
    int high = edgeStart[node + 1] - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      char at = edgeChar[mid];
      if (at < c) {
        low = mid + 1;
      } else if (at > c) {
        high = mid - 1;
      } else {
        return edgeTarget[mid];
      }
    }
    return -1;
  }

  /** A node while the trie is built; sorted children give sorted edges. */
  private static final class Builder {
    final TreeMap<Character, Builder> children = new TreeMap<>();
    Optional<Dxcc> value;
    int index;

    void put(String key, Optional<Dxcc> v) {
      Builder node = this;
      for (int i = 0; i < key.length(); i++) {
        node = node.children.computeIfAbsent(key.charAt(i), c -> new Builder());
      }
      node.value = v;
    }
  }
}
