package org.dxscraper.scraper.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.dxscraper.scraper.parse.ClusterMessage;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.Unparsed;
import org.dxscraper.scraper.parse.WireText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dx-scraper parse}: shows how the daemon reads each line of a capture, for an operator
 * debugging a node. One JSON object per input line on stdout, a summary on stderr.
 */
@Command(
    name = "parse",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reads cluster lines from FILE (or stdin) and writes one JSON object per line to stdout:"
          + " its kind and fields, or why it did not parse. A summary goes to stderr.",
      "Lines end in LF, CRLF or CR; bytes are read as ISO-8859-1, as the daemon reads them."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  dx-scraper parse cap.txt > parsed.jsonl",
      "  grep '^DX de' cap.txt | dx-scraper parse --received-at 2026-11-24T01:15:00Z"
    })
final class ParseCommand implements Callable<Integer> {
  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "Capture to read; '-' or none reads stdin.")
  Path file;

  @Option(
      names = "--received-at",
      paramLabel = "INSTANT",
      description = {
        "Reception time for every line, e.g.",
        "2026-11-24T01:15:00Z; spots carry only HHMMZ and take their date from it (default: now)."
      })
  Instant receivedAt;

  @Spec CommandSpec spec;

  /** Per-kind and per-reason counts for the summary. */
  private final Map<String, Integer> kinds = new TreeMap<>();

  private final Map<String, Integer> reasons = new TreeMap<>();
  private long lines;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    LineParser parser = new LineParser();
    Instant at = receivedAt != null ? receivedAt : Instant.now();
    try (InputStream in = open()) {
      forEachLine(in, line -> out.println(MessageJson.of(count(parser.parse(line, at)), line)));
    }
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    err.println(summary());
    err.flush();
    return 0;
  }

  private InputStream open() throws IOException {
    if (file == null || file.toString().equals("-")) {
      return new BufferedInputStream(System.in);
    }
    return new BufferedInputStream(Files.newInputStream(file));
  }

  private ClusterMessage count(ClusterMessage message) {
    lines++;
    kinds.merge(message.kind(), 1, Integer::sum);
    if (message instanceof Unparsed unparsed) {
      reasons.merge(unparsed.reason(), 1, Integer::sum);
    }
    return message;
  }

  String summary() {
    StringBuilder summary = new StringBuilder("parse: ").append(lines).append(" lines");
    kinds.forEach((kind, n) -> summary.append(", ").append(kind).append(' ').append(n));
    if (!reasons.isEmpty()) {
      summary.append(" (unparsed: ");
      String separator = "";
      for (Map.Entry<String, Integer> reason : reasons.entrySet()) {
        summary.append(separator).append(reason.getKey()).append(' ').append(reason.getValue());
        separator = ", ";
      }
      summary.append(')');
    }
    return summary.toString();
  }

  /**
   * Splits on LF, CRLF or a lone CR, and decodes each line as the daemon does ({@link
   * WireText#decode}: UTF-8 when it is well-formed UTF-8, else ISO-8859-1).
   */
  static void forEachLine(InputStream in, Consumer<String> action) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    boolean afterCr = false;
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n' && afterCr) {
        afterCr = false;
        continue;
      }
      afterCr = b == '\r';
      if (b == '\n' || b == '\r') {
        action.accept(decode(line));
        line.reset();
      } else {
        line.write(b);
      }
    }
    if (line.size() > 0) {
      action.accept(decode(line));
    }
  }

  private static String decode(ByteArrayOutputStream line) {
    byte[] bytes = line.toByteArray();
    return WireText.decode(bytes, 0, bytes.length);
  }
}
