package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.dxscraper.scraper.parse.SkimmerCommentParser.SkimmerFields;
import org.junit.jupiter.api.Test;

class SkimmerCommentParserTest {

  private static SkimmerFields parse(String comment) {
    return SkimmerCommentParser.parse(comment);
  }

  @Test
  void readsRbnCwComment() {
    assertThat(parse("CW    9 dB  21 WPM  NCDXF B"))
        .isEqualTo(new SkimmerFields("CW", 9, 21, SpeedUnit.WPM, SpotType.NCDXF, null));
  }

  @Test
  void readsRbnDigimodeSpeedInBitsPerSecond() {
    assertThat(parse("RTTY  10 dB  45 BPS  CQ"))
        .isEqualTo(new SkimmerFields("RTTY", 10, 45, SpeedUnit.BPS, SpotType.CQ, null));
    assertThat(parse("FT8  -15 dB   6 BPS  CQ"))
        .isEqualTo(new SkimmerFields("FT8", -15, 6, SpeedUnit.BPS, SpotType.CQ, null));
  }

  @Test
  void readsFt8GridInPlaceOfSpeed() {
    assertThat(parse("FT8  -12 dB  FK68    CQ"))
        .isEqualTo(new SkimmerFields("FT8", -12, null, null, SpotType.CQ, "FK68"));
  }

  @Test
  void readsCcClusterSignedReports() {
    assertThat(parse("RTTY +10 dB CQ").snrDb()).isEqualTo(10);
    assertThat(parse("RTTY + 8 dB CQ").snrDb()).isEqualTo(8);
    assertThat(parse("RTTY - 8 dB CQ").snrDb()).isEqualTo(-8);
    assertThat(parse("FT8  - 5 dB").snrDb()).isEqualTo(-5);
  }

  @Test
  void skipsAudioOffsetOfCcClusterFt8Spots() {
    assertThat(parse("FT8  -16 dB  928 Hz"))
        .isEqualTo(new SkimmerFields("FT8", -16, null, null, null, null));
  }

  @Test
  void readsNcdxfBeaconTypeInCcClusterSpelling() {
    assertThat(parse("CW 19 dB 23 WPM NCDXF BCN").spotType()).isEqualTo(SpotType.NCDXF);
    assertThat(parse("CW  9 dB 10 WPM BEACON").spotType()).isEqualTo(SpotType.BEACON);
    assertThat(parse("CW  9 dB 10 WPM DX").spotType()).isEqualTo(SpotType.DX);
  }

  @Test
  void readsDxSpiderRelayedReportGluedToDecibels() {
    assertThat(parse("CW  23dB Q:9* Z:20"))
        .isEqualTo(new SkimmerFields("CW", 23, null, null, null, null));
    assertThat(parse("FT8 -9dB Q:2+ Z:5").snrDb()).isEqualTo(-9);
  }

  @Test
  void readsPskModes() {
    assertThat(parse("PSK63 42 dB CQ").mode()).isEqualTo("PSK63");
    assertThat(parse("PSK31 44 dB  31 BPS  CQ").speed()).isEqualTo(31);
    assertThat(parse("psk125 20 dB CQ").mode()).isEqualTo("PSK125");
  }

  @Test
  void keepsModeAndReportButStopsAtFirstUnknownWord() {
    assertThat(parse("FT8 -12dB this comment is long 22 WPM"))
        .isEqualTo(new SkimmerFields("FT8", -12, null, null, null, null));
  }

  @Test
  void findsNothingInHumanComments() {
    assertThat(parse("")).isSameAs(SkimmerFields.NONE);
    assertThat(parse("up 2")).isSameAs(SkimmerFields.NONE);
    assertThat(parse("FT8")).isSameAs(SkimmerFields.NONE);
    assertThat(parse("FT8 -07  DC")).isSameAs(SkimmerFields.NONE);
    assertThat(parse("CW up 2")).isSameAs(SkimmerFields.NONE);
    assertThat(parse("599 CQ")).isSameAs(SkimmerFields.NONE);
    assertThat(parse("CW 9999 dB")).isSameAs(SkimmerFields.NONE);
    assertThat(parse("CW 12 dBm")).isSameAs(SkimmerFields.NONE);
    assertThat(parse("CW -")).isSameAs(SkimmerFields.NONE);
  }

  @Test
  void dropsSpeedOutOfRange() {
    SkimmerFields fields = parse("CW 12 dB 1500 WPM CQ");

    assertThat(fields.speed()).isNull();
    assertThat(fields.speedUnit()).isNull();
    assertThat(fields.spotType()).isEqualTo(SpotType.CQ);
  }

  @Test
  void wordKeysMatchIgnoringCaseAndOnlyWordsThatFitALong() {
    assertThat(key("wpm")).isEqualTo(key("WPM")).isNotZero();
    assertThat(key("WPN")).isNotEqualTo(key("WPM"));
    assertThat(key("MSK144")).isNotEqualTo(key("MSK14"));
    assertThat(key("PSK125AB")).isNotZero(); // eight chars still fit
    assertThat(key("PSK125ABC")).isZero(); // nine do not: they match no known word
    assertThat(key("")).isZero();
    assertThat(key("F\u00c4")).isZero(); // not ASCII
  }

  private static long key(String word) {
    return SkimmerCommentParser.asciiKey(word.toCharArray(), 0, word.length());
  }
}
