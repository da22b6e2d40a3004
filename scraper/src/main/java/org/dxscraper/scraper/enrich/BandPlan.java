package org.dxscraper.scraper.enrich;

/**
 * Maps a frequency to the amateur band it lies in, by the name stored in {@code spot.band}.
 *
 * <p>Edges are the union of the three ITU regions' allocations (the widest that any region allows),
 * both inclusive: a spot is put in a band when some licensee somewhere may transmit on its
 * frequency. 5250-5450 kHz covers the WRC-15 60 m band (5351.5-5366.5 kHz) and the national
 * channels around it (US, UK and others); 3 cm includes the QO-100 narrow-band downlink
 * (10489.5-10490 MHz). Bands above 3 cm are not mapped.
 *
 * <p>Thread-safe; {@link #bandOf} never throws and allocates nothing.
 */
public final class BandPlan {

  private static final FrequencyTable<String> BANDS =
      FrequencyTable.<String>builder()
          .add(135_700, 137_800, "2200m")
          .add(472_000, 479_000, "630m")
          .add(kHz(1_800), kHz(2_000), "160m")
          .add(kHz(3_500), kHz(4_000), "80m")
          .add(kHz(5_250), kHz(5_450), "60m")
          .add(kHz(7_000), kHz(7_300), "40m")
          .add(kHz(10_100), kHz(10_150), "30m")
          .add(kHz(14_000), kHz(14_350), "20m")
          .add(kHz(18_068), kHz(18_168), "17m")
          .add(kHz(21_000), kHz(21_450), "15m")
          .add(kHz(24_890), kHz(24_990), "12m")
          .add(kHz(28_000), kHz(29_700), "10m")
          .add(kHz(50_000), kHz(54_000), "6m")
          .add(kHz(70_000), kHz(71_000), "4m")
          .add(kHz(144_000), kHz(148_000), "2m")
          // US 219-220 MHz (point-to-point data) and 222-225 MHz, joined into one band.
          .add(kHz(219_000), kHz(225_000), "1.25m")
          .add(kHz(420_000), kHz(450_000), "70cm")
          .add(kHz(902_000), kHz(928_000), "33cm")
          .add(kHz(1_240_000), kHz(1_300_000), "23cm")
          .add(kHz(2_300_000), kHz(2_450_000), "13cm")
          .add(kHz(3_300_000), kHz(3_500_000), "9cm")
          .add(kHz(5_650_000), kHz(5_925_000), "6cm")
          .add(kHz(10_000_000), kHz(10_500_000), "3cm")
          .build();

  private BandPlan() {}

  /**
   * Returns the band holding {@code frequencyHz}, such as {@code "20m"} or {@code "70cm"} (at most
   * 8 characters), or null when the frequency lies outside every amateur band (including zero and
   * negative values).
   */
  public static String bandOf(long frequencyHz) {
    return BANDS.find(frequencyHz);
  }

  static long kHz(long kiloHertz) {
    return kiloHertz * 1_000;
  }
}
