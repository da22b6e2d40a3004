package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ParseCommandTest {
  @TempDir Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int parse(String... args) {
    CommandLine commandLine = Main.commandLine(Map.of());
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return commandLine.execute(args);
  }

  @Test
  void writesOneJsonObjectPerLineAndASummary() throws IOException {
    Path capture = temp.resolve("capture.txt");
    byte[] bytes =
        ("DX de N1SPOT:    14025.0  K1ABC        test \u00e4\u00f6                       0113Z\u0007\u0007\r\n"
                + "WWV de N1SPOT <1>:   SFI=155, A=8, K=3, No Storms -> No Storms\r\n"
                + "Hello N0CALL, this is SIM-1\n"
                + "To ALL de N1SPOT: \"quoted\" text\r")
            .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(capture, bytes);

    int exit = parse("parse", "--received-at", "2026-11-24T01:15:30Z", capture.toString());

    List<String> json = out.toString().lines().toList();
    assertThat(exit).isZero();
    assertThat(json).hasSize(4);
    assertThat(json.get(0))
        .startsWith("{\"kind\":\"spot\",\"format\":\"DX_DE\",\"spotter\":\"N1SPOT\"")
        .contains(
            "\"frequencyHz\":14025000",
            "\"dxCall\":\"K1ABC\"",
            "\"comment\":\"test \u00e4\u00f6\"",
            "\"spottedAt\":\"2026-11-24T01:13:00Z\"");
    assertThat(json.get(1)).startsWith("{\"kind\":\"solar\"").contains("\"sfi\":155");
    assertThat(json.get(2))
        .isEqualTo(
            "{\"kind\":\"unparsed\",\"reason\":\"unknown-line\","
                + "\"line\":\"Hello N0CALL, this is SIM-1\"}");
    assertThat(json.get(3)).contains("\"text\":\"\\\"quoted\\\" text\"");
    assertThat(err.toString().strip())
        .isEqualTo(
            "parse: 4 lines, announcement 1, solar 1, spot 1, unparsed 1 (unparsed: unknown-line 1)");
  }

  @Test
  void decodesEachLineAsTheDaemonDoesUtf8WhereValidElseLatin1() throws IOException {
    List<String> lines = new ArrayList<>();
    java.io.ByteArrayOutputStream input = new java.io.ByteArrayOutputStream();
    input.writeBytes("Gr\u00fc\u00dfe caf\u00e9\n".getBytes(StandardCharsets.UTF_8));
    input.writeBytes("Gr\u00fc\u00dfe aus K\u00f6ln\n".getBytes(StandardCharsets.ISO_8859_1));

    ParseCommand.forEachLine(new ByteArrayInputStream(input.toByteArray()), lines::add);

    assertThat(lines).containsExactly("Gr\u00fc\u00dfe caf\u00e9", "Gr\u00fc\u00dfe aus K\u00f6ln");
  }

  @Test
  void splitsOnEveryLineEnding() throws IOException {
    List<String> lines = new ArrayList<>();
    byte[] input = "a\r\nb\nc\rd".getBytes(StandardCharsets.ISO_8859_1);

    ParseCommand.forEachLine(new ByteArrayInputStream(input), lines::add);

    assertThat(lines).containsExactly("a", "b", "c", "d");
  }

  @Test
  void keepsBytesAboveAsciiAsLatin1() throws IOException {
    List<String> lines = new ArrayList<>();
    byte[] input = {'x', (byte) 0xe4, (byte) 0xff, '\n'};

    ParseCommand.forEachLine(new ByteArrayInputStream(input), lines::add);

    assertThat(lines).containsExactly("x\u00e4\u00ff");
  }
}
