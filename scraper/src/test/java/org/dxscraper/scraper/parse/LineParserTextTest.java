package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Announcements, weather, talk and prompts: the lines shaped {@code X de CALL}. */
class LineParserTextTest {

  private static final LineParser PARSER = new LineParser();

  private static final Instant RECEIVED = Instant.parse("2026-11-24T14:07:10Z");

  private static ClusterMessage parse(String line) {
    return PARSER.parse(line, RECEIVED);
  }

  @Test
  void readsAnnouncementToAll() {
    assertThat(parse("To ALL de EA8XYZ-9: carnival on the island\u0007\u0007"))
        .isEqualTo(
            new Announcement(
                Announcement.Scope.ALL,
                "EA8XYZ-9",
                "carnival on the island",
                Instant.parse("2026-11-24T14:07:00Z"),
                false));
  }

  @Test
  void readsLocalAnnouncementInAnyCase() {
    Announcement upper = (Announcement) parse("To LOCAL de IW5XYZ: off");
    Announcement mixed = (Announcement) parse("To Local de iw5xyz: off");

    assertThat(upper.scope()).isEqualTo(Announcement.Scope.LOCAL);
    assertThat(mixed.scope()).isEqualTo(Announcement.Scope.LOCAL);
    assertThat(mixed.sender()).isEqualTo("IW5XYZ");
    assertThat(upper.kind()).isEqualTo("announcement");
  }

  @Test
  void readsCcClusterAnnouncementWithTime() {
    Announcement announcement = (Announcement) parse("To Local de N5XYZ <1405Z> : rebooting");

    assertThat(announcement.text()).isEqualTo("rebooting");
    assertThat(announcement.announcedAt()).isEqualTo(Instant.parse("2026-11-24T14:05:00Z"));
    assertThat(announcement.timeFromLine()).isTrue();
  }

  @Test
  void keepsColonsInAnnouncementText() {
    assertThat(((Announcement) parse("To ALL de CT2XYZ <1044Z> : net at 18:00: 7.070")).text())
        .isEqualTo("net at 18:00: 7.070");
  }

  @Test
  void reportsAnnouncementCutAfterSender() {
    assertThat(parse("To ALL de SV5XYZ-1")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
    assertThat(parse("To ALL de")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
  }

  @Test
  void reportsAnnouncementToUnknownScope() {
    assertThat(parse("To SYSOP de N1ABC: disk full"))
        .isEqualTo(new Unparsed(Unparsed.UNKNOWN_SCOPE));
  }

  @Test
  void leavesBannerLineStartingWithToUnknown() {
    assertThat(parse("To turn ON Skimmer Spots and ONLY Pass Spots from North America Enter:"))
        .isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
  }

  @Test
  void readsWeather() {
    assertThat(parse("WX de VA3XYZ: sunny, 21C")).isEqualTo(new Wx("VA3XYZ", "sunny, 21C"));
    assertThat(parse("WX de LA3XYZ <1001Z> :  Sunny and warm  (WX)"))
        .isEqualTo(new Wx("LA3XYZ", "Sunny and warm  (WX)"));
    assertThat(parse("WX de OZ4XYZ")).isEqualTo(new Unparsed(Unparsed.TRUNCATED));
  }

  @Test
  void readsTalk() {
    Talk talk = (Talk) parse("N0ABC de N1XYZ: private talk line\r");

    assertThat(talk).isEqualTo(new Talk("N0ABC", "N1XYZ", "private talk line"));
    assertThat(talk.kind()).isEqualTo("talk");
  }

  @Test
  void readsTalkBetweenCallsWithSsids() {
    assertThat(parse("N0ABC-1 de N1XYZ-7: hi, are you a bot?"))
        .isEqualTo(new Talk("N0ABC-1", "N1XYZ-7", "hi, are you a bot?"));
  }

  @Test
  void keepsTalkEndingWithAngleBracketAsTalk() {
    assertThat(parse("N0ABC de N1XYZ: see <link>")).isInstanceOf(Talk.class);
  }

  @Test
  void readsDxSpiderPrompt() {
    Prompt prompt = (Prompt) parse("N0ABC de N0XYZ-2 24-Nov-2026 0105Z dxspider >");

    assertThat(prompt).isEqualTo(new Prompt("N0ABC", "N0XYZ-2", NodeSoftware.DXSPIDER));
    assertThat(prompt.kind()).isEqualTo("prompt");
  }

  @Test
  void readsDxSpiderPromptWithBlankPaddedDay() {
    assertThat(parse("N0ABC de AI3XY-15  1-Mar-2026 0333Z dxspider >"))
        .isEqualTo(new Prompt("N0ABC", "AI3XY-15", NodeSoftware.DXSPIDER));
  }

  @Test
  void readsArClusterPrompt() {
    assertThat(parse("N6XY de NC7XY 01-Oct 0015Z arc6>"))
        .isEqualTo(new Prompt("N6XY", "NC7XY", NodeSoftware.AR_CLUSTER));
  }

  @Test
  void readsCcClusterPrompt() {
    assertThat(parse("W1ABC de AE5XY 19-Nov-2026 0154Z   CCC >"))
        .isEqualTo(new Prompt("W1ABC", "AE5XY", NodeSoftware.CC_CLUSTER));
  }

  @Test
  void readsPromptAfterFarewellText() {
    assertThat(parse("73 David.  W1ABC de AE5XY 19-Nov-2026 0154Z  CCC >"))
        .isEqualTo(new Prompt("W1ABC", "AE5XY", NodeSoftware.CC_CLUSTER));
  }

  @Test
  void readsPromptOfUnknownSoftware() {
    assertThat(parse("N0ABC de N0XYZ 24-Nov-2026 0105Z >"))
        .isEqualTo(new Prompt("N0ABC", "N0XYZ", NodeSoftware.UNKNOWN));
  }

  @Test
  void leavesPagePromptBannersAndRepliesUnknown() {
    assertThat(parse("Press Enter to continue, A to abort (10 lines) >"))
        .isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
    assertThat(parse("Hello N0ABC, this is N0XYZ-2 in Loopback, Localhost"))
        .isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
    assertThat(parse("login: Hello  N6XY")).isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
    assertThat(parse("Page Length is now 0 lines")).isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
    assertThat(parse("Please enter your call:")).isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
    assertThat(parse("WX filter set to: none")).isEqualTo(new Unparsed(Unparsed.UNKNOWN_LINE));
  }
}
