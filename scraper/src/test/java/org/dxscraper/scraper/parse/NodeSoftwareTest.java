package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeSoftwareTest {

  @Test
  void identifiesDxSpiderFromBannerAndPrompt() {
    assertThat(NodeSoftware.identify("running DXSpider V1.57 build 441"))
        .isEqualTo(NodeSoftware.DXSPIDER);
    assertThat(
            NodeSoftware.identify(
                "Hello, and welcome to node XX1XX-1, running DX Spider version 1.55!"))
        .isEqualTo(NodeSoftware.DXSPIDER);
    assertThat(NodeSoftware.identify("N0ABC de N0XYZ-2 24-Nov-2026 0105Z dxspider >"))
        .isEqualTo(NodeSoftware.DXSPIDER);
  }

  @Test
  void identifiesArClusterFromBannerAndPrompt() {
    assertThat(NodeSoftware.identify("XX1XX DX Cluster (AR-Cluster v6 Telnet Server)"))
        .isEqualTo(NodeSoftware.AR_CLUSTER);
    assertThat(NodeSoftware.identify("N6XY de NC7XY 01-Oct 0015Z arc6>"))
        .isEqualTo(NodeSoftware.AR_CLUSTER);
    assertThat(NodeSoftware.identify("N6XY de NC7XY 01-Oct 0015Z arc>"))
        .isEqualTo(NodeSoftware.AR_CLUSTER);
  }

  @Test
  void identifiesCcClusterEvenWhenBannerMentionsRbn() {
    assertThat(NodeSoftware.identify("Running CC Cluster software version 3.101b"))
        .isEqualTo(NodeSoftware.CC_CLUSTER);
    assertThat(NodeSoftware.identify("W1ABC de AE5XY 19-Nov-2026 0154Z   CCC >"))
        .isEqualTo(NodeSoftware.CC_CLUSTER);
    assertThat(NodeSoftware.identify("set/skimmer   to enable RBN spots"))
        .isEqualTo(NodeSoftware.UNKNOWN);
  }

  @Test
  void identifiesReverseBeaconNetwork() {
    assertThat(NodeSoftware.identify("Welcome to the Reverse Beacon Network"))
        .isEqualTo(NodeSoftware.RBN);
    assertThat(NodeSoftware.identify("Connected to telnet.reversebeacon.net"))
        .isEqualTo(NodeSoftware.RBN);
  }

  @Test
  void answersUnknownForOtherLines() {
    assertThat(NodeSoftware.identify(null)).isEqualTo(NodeSoftware.UNKNOWN);
    assertThat(NodeSoftware.identify("")).isEqualTo(NodeSoftware.UNKNOWN);
    assertThat(NodeSoftware.identify(">")).isEqualTo(NodeSoftware.UNKNOWN);
    assertThat(NodeSoftware.identify("Press Enter to continue, A to abort (10 lines) >"))
        .isEqualTo(NodeSoftware.UNKNOWN);
    assertThat(NodeSoftware.identify("N0ABC de N0XYZ 24-Nov-2026 0105Z archive>"))
        .isEqualTo(NodeSoftware.UNKNOWN);
  }

  @Test
  void doesNotTakeAnRbnMentionForAnRbnRelay() {
    // DXSpider lists "rbn" among its capabilities; CC Cluster nodes call themselves DX/RBN.
    assertThat(NodeSoftware.identify("Capabilities: ve7cc rbn")).isEqualTo(NodeSoftware.UNKNOWN);
    assertThat(NodeSoftware.identify("Greetings from TEST-7 DX/RBN Cluster"))
        .isEqualTo(NodeSoftware.UNKNOWN);
  }
}
