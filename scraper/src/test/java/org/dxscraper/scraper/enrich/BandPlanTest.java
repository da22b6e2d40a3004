package org.dxscraper.scraper.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BandPlanTest {

  @ParameterizedTest(name = "{0}: {1}..{2} Hz")
  @CsvSource({
    "2200m, 135700, 137800",
    "630m, 472000, 479000",
    "160m, 1800000, 2000000",
    "80m, 3500000, 4000000",
    "60m, 5250000, 5450000",
    "40m, 7000000, 7300000",
    "30m, 10100000, 10150000",
    "20m, 14000000, 14350000",
    "17m, 18068000, 18168000",
    "15m, 21000000, 21450000",
    "12m, 24890000, 24990000",
    "10m, 28000000, 29700000",
    "6m, 50000000, 54000000",
    "4m, 70000000, 71000000",
    "2m, 144000000, 148000000",
    "1.25m, 219000000, 225000000",
    "70cm, 420000000, 450000000",
    "33cm, 902000000, 928000000",
    "23cm, 1240000000, 1300000000",
    "13cm, 2300000000, 2450000000",
    "9cm, 3300000000, 3500000000",
    "6cm, 5650000000, 5925000000",
    "3cm, 10000000000, 10500000000",
  })
  void includesBothEdgesAndNothingOneHertzOutside(String band, long lowHz, long highHz) {
    assertThat(BandPlan.bandOf(lowHz)).isEqualTo(band);
    assertThat(BandPlan.bandOf(highHz)).isEqualTo(band);
    assertThat(BandPlan.bandOf((lowHz + highHz) / 2)).isEqualTo(band);
    assertThat(BandPlan.bandOf(lowHz - 1)).isNull();
    assertThat(BandPlan.bandOf(highHz + 1)).isNull();
  }

  @Test
  void bandNamesFitTheBandColumn() {
    assertThat(BandPlan.bandOf(1_240_000_000L)).hasSizeLessThanOrEqualTo(8);
    assertThat(BandPlan.bandOf(222_100_000L)).isEqualTo("1.25m");
  }

  @Test
  void putsTheQo100NarrowBandDownlinkIn3cm() {
    assertThat(BandPlan.bandOf(10_489_500_000L)).isEqualTo("3cm");
    assertThat(BandPlan.bandOf(10_489_540_000L)).isEqualTo("3cm");
    assertThat(BandPlan.bandOf(10_490_000_000L)).isEqualTo("3cm");
  }

  @Test
  void coversTheWrc15SixtyMetreBandAndTheUsChannels() {
    assertThat(BandPlan.bandOf(5_351_500)).isEqualTo("60m");
    assertThat(BandPlan.bandOf(5_357_000)).isEqualTo("60m");
    assertThat(BandPlan.bandOf(5_366_500)).isEqualTo("60m");
    assertThat(BandPlan.bandOf(5_330_500)).isEqualTo("60m");
    assertThat(BandPlan.bandOf(5_403_500)).isEqualTo("60m");
  }

  @ParameterizedTest
  @ValueSource(
      longs = {
        27_555_000, // CB
        0,
        -14_025_000,
        Long.MIN_VALUE,
        Long.MAX_VALUE,
        100_000,
        11_000_000,
        24_000_000_000L
      })
  void returnsNullOutsideEveryBand(long frequencyHz) {
    assertThat(BandPlan.bandOf(frequencyHz)).isNull();
  }

  @Test
  void bandOfAllocatesNothing() {
    Allocations.assertNoneIn(
        () -> {
          Allocations.consume(BandPlan.bandOf(14_025_000));
          Allocations.consume(BandPlan.bandOf(10_489_540_000L));
          Allocations.consume(BandPlan.bandOf(27_555_000));
        });
  }
}
