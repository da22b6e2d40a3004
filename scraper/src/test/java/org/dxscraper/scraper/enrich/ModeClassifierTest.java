package org.dxscraper.scraper.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.scraper.enrich.ModeGuess.Source.INFERRED;
import static org.dxscraper.scraper.enrich.ModeGuess.Source.STATED;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ModeClassifierTest {

  // Outside every band: only the comment or the skimmer can give a mode.
  private static final long NO_BAND_HZ = 27_555_000;

  private final ModeClassifier classifier = new ModeClassifier();

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "CW                             | CW",
        "FT8 -12dB                      | FT8",
        "ft8 tnx 73                     | FT8",
        "rtty, ufb sig                  | RTTY",
        "(CW)                           | CW",
        "CW,                            | CW",
        "up 2 cw                        | CW",
        "JT65 EME                       | JT65",
        "jt65b eme -24                  | JT65",
        "PSK31 24 dB CQ                 | PSK31",
        "bpsk63                         | PSK63",
        "psk                            | PSK",
        "USB                            | SSB",
        "LSB 59 in Berlin               | SSB",
        "ssb                            | SSB",
        "FM simplex                     | FM",
        "AM 1kW                         | AM",
        "MSK144 meteor scatter          | MSK144",
        "Q65A  -20                      | Q65",
        "Q65 EME                        | Q65",
        "JS8call                        | JS8",
        "SSTV                           | SSTV",
        "FSK441                         | FSK441",
        "Olivia 8/500                   | OLIVIA",
        "MFSK16                         | MFSK",
        "FT4/FT8                        | FT4",
        "CQ CQ FT8                      | FT8",
        "CW  23dB Q:9* Z:20             | CW",
        "FT8  -16 dB  928 Hz            | FT8",
        "digi mode                      | DATA",
        "WSPR                           | WSPR",
      })
  void takesTheFirstModeWordOfTheCommentAsStated(String comment, String mode) {
    assertThat(classifier.classify(comment, null, NO_BAND_HZ))
        .isEqualTo(new ModeGuess(mode, STATED));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CQ",
        "CWT",
        "CWOPS",
        "TNX QSO",
        "FT8DX",
        "SSBX",
        "599 in NJ",
        "I AMx",
        "JO22FM", // a grid
        "CW5X 599", // a call
      })
  void ignoresWordsThatOnlyContainAModeName(String comment) {
    assertThat(classifier.classify(comment, null, NO_BAND_HZ)).isEqualTo(ModeGuess.UNKNOWN);
  }

  @Test
  void breaksWordsAtEveryCharacterThatIsNoAsciiLetterOrDigit() {
    // Comments arrive as ISO-8859-1: a Latin-1 letter is a separator, like '-' and '/'.
    assertThat(classifier.classify("\u00dcBER CW-LANGSAM", null, NO_BAND_HZ))
        .isEqualTo(new ModeGuess("CW", STATED));
    assertThat(classifier.classify("gr\u00fc\u00dfe/rtty", null, NO_BAND_HZ))
        .isEqualTo(new ModeGuess("RTTY", STATED));
  }

  @Test
  void theSkimmerModeWinsOverTheComment() {
    assertThat(classifier.classify("SSB", "CW", 14_025_000)).isEqualTo(new ModeGuess("CW", STATED));
    assertThat(classifier.classify("cw", "FT8", 14_074_000))
        .isEqualTo(new ModeGuess("FT8", STATED));
  }

  @Test
  void theSkimmerModeIsNormalizedLikeAComment() {
    assertThat(classifier.classify("", "rtty", NO_BAND_HZ))
        .isEqualTo(new ModeGuess("RTTY", STATED));
    assertThat(classifier.classify("", " PSK31 ", NO_BAND_HZ))
        .isEqualTo(new ModeGuess("PSK31", STATED));
    assertThat(classifier.classify("", "BPSK", NO_BAND_HZ)).isEqualTo(new ModeGuess("PSK", STATED));
  }

  @Test
  void keepsAnUnknownButPlausibleSkimmerMode() {
    assertThat(classifier.classify("", "fst4w", NO_BAND_HZ))
        .isEqualTo(new ModeGuess("FST4W", STATED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "24", "-12dB", "A MODE WITH SPACES", "ABCDEFGHIJKLMNOPQ"})
  void ignoresASkimmerModeThatIsNoModeName(String skimmerMode) {
    assertThat(classifier.classify("CW", skimmerMode, NO_BAND_HZ))
        .isEqualTo(new ModeGuess("CW", STATED));
    assertThat(classifier.classify("", skimmerMode, NO_BAND_HZ)).isEqualTo(ModeGuess.UNKNOWN);
  }

  @ParameterizedTest(name = "{0} Hz -> {1}")
  @CsvSource({
    "14074000, FT8",
    "14075500, FT8",
    "14077000, FT8",
    "7074000, FT8",
    "1841000, FT8",
    "3573500, FT8",
    "5357800, FT8",
    "10136000, FT8",
    "18101000, FT8",
    "21074800, FT8",
    "24916000, FT8",
    "28075000, FT8",
    "50313500, FT8",
    "50324000, FT8",
    "144174900, FT8",
    "14080000, FT4",
    "14081200, FT4",
    "7047500, FT4",
    "3575500, FT4",
    "50318000, FT4",
    "24919500, FT4",
    "14025000, CW",
    "14000000, CW",
    "1820000, CW",
    "7010000, CW",
    "10110000, CW",
    "28020000, CW",
    "50090000, CW",
    "144050000, CW",
    "14250000, SSB",
    "3790000, SSB",
    "7150000, SSB",
    "21300000, SSB",
    "28500000, SSB",
    "50150000, SSB",
    "144300000, SSB",
    "29600000, FM",
    "145500000, FM",
    "146520000, FM",
  })
  void infersTheModeFromTheBandPlan(long frequencyHz, String mode) {
    assertThat(classifier.classify("", null, frequencyHz)).isEqualTo(new ModeGuess(mode, INFERRED));
  }

  @ParameterizedTest(name = "{0} Hz")
  @ValueSource(
      longs = {
        14_078_000, // between the FT8 and FT4 windows
        14_090_000, // data sub-band: RTTY, JS8 and others
        10_145_000, // 30 m data
        5_330_500, // 60 m channel
        7_045_000,
        29_400_000, // satellite downlinks
        145_900_000, // satellites
        10_489_540_000L, // QO-100
        27_555_000,
        0
      })
  void infersNothingWhereTheBandPlanIsNotClear(long frequencyHz) {
    assertThat(classifier.classify("tnx", null, frequencyHz)).isEqualTo(ModeGuess.UNKNOWN);
  }

  @Test
  void aStatedModeWinsOverTheBandPlan() {
    assertThat(classifier.classify("SSB", null, 14_025_000))
        .isEqualTo(new ModeGuess("SSB", STATED));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void toleratesAMissingComment(String comment) {
    assertThat(classifier.classify(comment, null, 14_025_000))
        .isEqualTo(new ModeGuess("CW", INFERRED));
    assertThat(classifier.classify(comment, null, NO_BAND_HZ)).isEqualTo(ModeGuess.UNKNOWN);
  }

  @Test
  void unknownHasNoModeAndNoSourceColumnValue() {
    ModeGuess unknown = classifier.classify("tnx", null, NO_BAND_HZ);

    assertThat(unknown.isKnown()).isFalse();
    assertThat(unknown.mode()).isNull();
    assertThat(unknown.sourceColumnValue()).isNull();
  }

  @Test
  void sourceColumnValuesAreTheOnesTheSchemaAllows() {
    assertThat(classifier.classify("CW", null, NO_BAND_HZ).sourceColumnValue()).isEqualTo("stated");
    assertThat(classifier.classify("", null, 14_025_000).sourceColumnValue()).isEqualTo("inferred");
  }

  @Test
  void returnsSharedInstancesForKnownModes() {
    assertThat(classifier.classify("CW", null, NO_BAND_HZ))
        .isSameAs(classifier.classify("tnx cw", "", 0));
    assertThat(classifier.classify("", null, 14_074_000))
        .isSameAs(classifier.classify(null, null, 14_075_000));
  }

  @Test
  void classifyingAllocatesNothing() {
    Allocations.assertNoneIn(
        () -> {
          Allocations.consume(classifier.classify("FT8 -12dB", null, 14_074_000));
          Allocations.consume(classifier.classify("tnx fer QSO", "CW", 7_010_000));
          Allocations.consume(classifier.classify("rtty, ufb sig", null, 14_085_000));
          Allocations.consume(classifier.classify("", null, 14_250_000));
          Allocations.consume(classifier.classify("up 2", null, NO_BAND_HZ));
        });
  }
}
