package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The parser classifies every line and throws on none. */
class LineParserRobustnessTest {

  private static final LineParser PARSER = new LineParser();

  private static final Instant RECEIVED = Instant.parse("2026-11-24T01:14:30Z");

  /** One line of each kind, used as seeds for truncation and mutation. */
  private static final List<String> SEEDS =
      List.of(
          "DX de N2XYZ:     14031.0  K3ABC        up 2                           0113Z",
          "DX de DK1ABC-#:    7019.4 UA1XYZ       CW  21dB Q:9* Z:20           16 0059Z 14",
          "DX de DL8ABC-3-#: 14100.0  4X6XY          CW    21 dB  22 WPM  NCDXF B 0059Z",
          "DX de G3ABC-#:   14085.6  RA9XYZ       RTTY - 7 dB CQ                 0014Z",
          "DX de OH2XYZ:     3790.0  ES5ABC       LSB                            0100Z KP20",
          "  14031.0  K3XYZ       22-Nov-2026 2113Z test                           <N2ABC>",
          "CC11^7083.0^OT7ABC^26-Aug-2026^0859Z^x^ON3XYZ^134^134^F5ABC-7^27^14^28^15^^^B^B^JO10^JO20",
          "WWV de VE7XY <15Z> :   SFI=68, A=9, K=2, No Storms -> Minor w/G1",
          "WCY de DK0XYZ-1 <22> : K=9 expK=0 A=139 R=156 SFI=223 SA=maj GMF=sev Au=aurora",
          "To Local de N5XYZ <1405Z> : rebooting",
          "WX de LA3XYZ <1001Z> :  Sunny",
          "N0ABC de N1XYZ: private talk line",
          "N0ABC de N0XYZ-2 24-Nov-2026 0105Z dxspider >");

  /** Parses and checks the safety net in {@link LineParser} never had to catch a reader bug. */
  private static ClusterMessage parse(String line) {
    ClusterMessage message = PARSER.parse(line, RECEIVED);
    assertThat(message).as(line).isNotNull().isNotEqualTo(new Unparsed(Unparsed.INTERNAL_ERROR));
    return message;
  }

  @Test
  void reportsEmptyLine() {
    assertThat(parse("")).isEqualTo(new Unparsed(Unparsed.EMPTY));
  }

  @Test
  void reportsLineOfOnlyBlanksAndControlBytesAsEmpty() {
    assertThat(parse("      ")).isEqualTo(new Unparsed(Unparsed.EMPTY));
    assertThat(parse("\t \r\u0007\u0007\r")).isEqualTo(new Unparsed(Unparsed.EMPTY));
  }

  @Test
  void reportsBareSpotHeaderAsTruncated() {
    assertThat(parse("DX de ")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
  }

  @Test
  void rejectsNullArguments() {
    assertThatNullPointerException().isThrownBy(() -> PARSER.parse(null, RECEIVED));
    assertThatNullPointerException().isThrownBy(() -> PARSER.parse("DX de K1ABC", null));
  }

  @Test
  void leavesGarbageBytesUnknown() {
    assertThat(parse("\u0000\u00ff\u0081\u0010 \u00fe\u00e9\u001b[2J"))
        .isInstanceOf(Unparsed.class);
    assertThat(parse("\u00ff\u00fc\"")).isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
  }

  @Test
  void readsSpotWithTwoThousandCharComment() {
    String comment = "x".repeat(2000);
    Spot spot = (Spot) parse("DX de N2XYZ:  14031.0  K3ABC  " + comment + " 0113Z");

    assertThat(spot.comment()).isEqualTo(comment);
    assertThat(spot.timeFromLine()).isTrue();
  }

  @Test
  void classifiesTwoThousandCharLinesOfEveryShape() {
    assertThat(parse("y".repeat(2000))).isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
    assertThat(parse("DX de " + "Z".repeat(2000))).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
    assertThat(parse("DX de K1ABC: " + "9".repeat(2000)))
        .isEqualTo(new Unparsed(Unparsed.DX_NO_FREQUENCY));
    assertThat(parse("CC11" + "^".repeat(2000))).isInstanceOf(Unparsed.class);
    assertThat(parse("1".repeat(2000) + ">")).isInstanceOf(Unparsed.class);
  }

  @Test
  void classifiesEveryPrefixOfEveryKindOfLine() {
    for (String seed : SEEDS) {
      for (int end = 0; end <= seed.length(); end++) {
        parse(seed.substring(0, end));
      }
    }
  }

  @Test
  void classifiesRandomMutationsOfEveryKindOfLine() {
    Random random = new Random(20261124L);
    for (int round = 0; round < 50_000; round++) {
      StringBuilder line = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
      int edits = 1 + random.nextInt(8);
      for (int e = 0; e < edits && !line.isEmpty(); e++) {
        int at = random.nextInt(line.length());
        switch (random.nextInt(3)) {
          case 0 -> line.setCharAt(at, randomChar(random));
          case 1 -> line.insert(at, randomChar(random));
          default -> line.deleteCharAt(at);
        }
      }
      parse(line.toString());
    }
  }

  /**
   * The parser scans each line in a buffer its thread keeps: nothing an earlier, longer line left
   * in it may change how a line reads. Each line is read after 2,048-char lines of letters, of
   * blanks, of dates, and after every seed padded to 2,048 chars (so that a cut line such as "DX d"
   * finds the rest of its header left behind), and must read the same each time.
   */
  @Test
  void readsEveryLineTheSameWhateverTheLineBeforeIt() {
    List<String> before = new ArrayList<>();
    before.add("Z".repeat(2048));
    before.add(" ".repeat(2048));
    before.add("0-Jan-2026 ".repeat(186));
    for (String seed : SEEDS) {
      before.add(seed + " 9" + "x".repeat(2046 - seed.length()));
    }
    Random random = new Random(20261205L);
    for (int round = 0; round < 20_000; round++) {
      String seed = SEEDS.get(random.nextInt(SEEDS.size()));
      StringBuilder line = new StringBuilder(seed.substring(0, random.nextInt(seed.length() + 1)));
      for (int e = random.nextInt(3); e > 0 && !line.isEmpty(); e--) {
        line.setCharAt(random.nextInt(line.length()), randomChar(random));
      }
      ClusterMessage first = null;
      for (String earlier : before) {
        parse(earlier);
        ClusterMessage message = parse(line.toString());
        if (first == null) {
          first = message;
        } else {
          assertThat(message).as(line.toString()).isEqualTo(first);
        }
      }
    }
  }

  @Test
  void classifiesRandomLatin1Lines() {
    Random random = new Random(7L);
    for (int round = 0; round < 20_000; round++) {
      char[] chars = new char[random.nextInt(120)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = (char) random.nextInt(256);
      }
      parse(new String(chars));
    }
  }

  @Test
  void classifiesCharsOutsideLatin1() {
    assertThat(parse("DX de K1ABC:  14025.0  K2\u20acXYZ  \u4e2d\u6587 0113Z"))
        .isInstanceOf(Spot.class);
    assertThat(parse("\u20ac\u20ac de \u4e2d: \ud83d\ude00")).isInstanceOf(Unparsed.class);
  }

  /** Mostly the chars that steer the parser, sometimes any Latin-1 char. */
  private static char randomChar(Random random) {
    String steering = " :^<>-+.Z0123456789#/\u0007\rdBWPMHzCQde";
    return random.nextInt(4) == 0
        ? (char) random.nextInt(256)
        : steering.charAt(random.nextInt(steering.length()));
  }
}
