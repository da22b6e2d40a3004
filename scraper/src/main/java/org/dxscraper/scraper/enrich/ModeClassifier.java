package org.dxscraper.scraper.enrich;

import static org.dxscraper.scraper.enrich.BandPlan.kHz;

import java.util.Locale;

/**
 * Decides the mode of a spot, in this order:
 *
 * <ol>
 *   <li>the skimmer's mode field (RBN and relayed skimmer spots), stated;
 *   <li>the first mode word in the comment ({@code CW}, {@code FT8}, {@code USB}, ... as a whole
 *       word in any case: {@code "ft8 -12dB"} and {@code "(CW)"} count, {@code "CWT"} and {@code
 *       "CQ"} do not), stated; see {@link ModeWords} for the vocabulary;
 *   <li>the band plan, inferred: the FT8 and FT4 windows (dial frequency to 3 kHz above it, where
 *       the audio tones land), then the CW segments, the SSB segments and a few FM segments listed
 *       in the class body.
 * </ol>
 *
 * <p>Inference is deliberately modest: data sub-bands (RTTY, PSK, JS8 and the rest share them) give
 * no mode, nor do 30 m above 10130 kHz, 60 m outside the FT8 window and every frequency between the
 * segments below. RTTY and other data modes are practically always stated, by the skimmer or the
 * spotter, so guessing adds errors rather than information.
 *
 * <p>Thread-safe and stateless. {@link #classify} never throws, never returns null and, for every
 * known mode, allocates nothing: it scans the comment in place and returns shared instances.
 */
public final class ModeClassifier {

  // Checked before the segments, which may contain a window (2 m FT8 lies in the SSB segment).
  private static final FrequencyTable<ModeGuess> DIGITAL_WINDOWS = digitalWindows();
  private static final FrequencyTable<ModeGuess> SEGMENTS = segments();

  private static final int MAX_STATED_LENGTH = 16;

  /**
   * Returns the mode of a spot, or {@link ModeGuess#UNKNOWN}.
   *
   * @param comment the spot's comment; may be null or empty
   * @param skimmerMode the skimmer's mode field, such as {@code "CW"} or {@code "FT8"}; null for
   *     spots by people
   * @param frequencyHz the spot's frequency
   */
  public ModeGuess classify(String comment, String skimmerMode, long frequencyHz) {
    ModeGuess guess = fromSkimmer(skimmerMode);
    if (guess == null) {
      guess = fromComment(comment);
    }
    if (guess == null) {
      guess = fromBandPlan(frequencyHz);
    }
    return guess == null ? ModeGuess.UNKNOWN : guess;
  }

  /**
   * A known mode word maps as in a comment; an unknown but plausible name (letters and digits, at
   * most 16, at least one letter) is kept as the skimmer wrote it, upper-cased, because the skimmer
   * network adds modes before this vocabulary does. Anything else is ignored.
   */
  static ModeGuess fromSkimmer(String skimmerMode) {
    if (skimmerMode == null) {
      return null;
    }
    String mode = skimmerMode.strip();
    ModeGuess known = ModeWords.stated(mode, 0, mode.length());
    if (known != null) {
      return known;
    }
    return isPlausibleModeName(mode)
        ? new ModeGuess(mode.toUpperCase(Locale.ROOT), ModeGuess.Source.STATED)
        : null;
  }

  /** The first whole word of the comment that names a mode, or null. */
  static ModeGuess fromComment(String comment) {
    if (comment == null) {
      return null;
    }
    int length = comment.length();
    int i = 0;
    while (i < length) {
      while (i < length && !Ascii.isLetterOrDigit(comment.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < length && Ascii.isLetterOrDigit(comment.charAt(i))) {
        i++;
      }
      if (i > start) {
        ModeGuess guess = ModeWords.stated(comment, start, i);
        if (guess != null) {
          return guess;
        }
      }
    }
    return null;
  }

  static ModeGuess fromBandPlan(long frequencyHz) {
    ModeGuess window = DIGITAL_WINDOWS.find(frequencyHz);
    return window != null ? window : SEGMENTS.find(frequencyHz);
  }

  private static boolean isPlausibleModeName(String mode) {
    if (mode.isEmpty() || mode.length() > MAX_STATED_LENGTH) {
      return false;
    }
    boolean letter = false;
    for (int i = 0; i < mode.length(); i++) {
      char c = mode.charAt(i);
      if (!Ascii.isLetterOrDigit(c)) {
        return false;
      }
      letter |= !Ascii.isDigit(c);
    }
    return letter;
  }

  /**
   * FT8 and FT4 dial frequencies (WSJT-X defaults, including the second 6 m FT8 frequency used when
   * 50313 is crowded). A spot is reported at the dial plus the audio offset, 0-3 kHz; on 80 m the
   * FT8 window stops where the FT4 dial begins.
   */
  private static FrequencyTable<ModeGuess> digitalWindows() {
    ModeGuess ft8 = ModeWords.inferred("FT8");
    ModeGuess ft4 = ModeWords.inferred("FT4");
    return FrequencyTable.<ModeGuess>builder()
        .add(kHz(1_840), kHz(1_843), ft8)
        .add(kHz(3_573), 3_575_499, ft8)
        .add(3_575_500, 3_578_500, ft4)
        .add(kHz(5_357), kHz(5_360), ft8)
        .add(7_047_500, 7_050_500, ft4)
        .add(kHz(7_074), kHz(7_077), ft8)
        .add(kHz(10_136), kHz(10_139), ft8)
        .add(kHz(10_140), kHz(10_143), ft4)
        .add(kHz(14_074), kHz(14_077), ft8)
        .add(kHz(14_080), kHz(14_083), ft4)
        .add(kHz(18_100), kHz(18_103), ft8)
        .add(kHz(18_104), kHz(18_107), ft4)
        .add(kHz(21_074), kHz(21_077), ft8)
        .add(kHz(21_140), kHz(21_143), ft4)
        .add(kHz(24_915), kHz(24_918), ft8)
        .add(kHz(24_919), kHz(24_922), ft4)
        .add(kHz(28_074), kHz(28_077), ft8)
        .add(kHz(28_180), kHz(28_183), ft4)
        .add(kHz(50_313), kHz(50_316), ft8)
        .add(kHz(50_318), kHz(50_321), ft4)
        .add(kHz(50_323), kHz(50_326), ft8)
        .add(kHz(144_174), kHz(144_177), ft8)
        .build();
  }

  /**
   * CW: the bottom of each band, where the IARU band plans of all three regions agree on
   * narrow-band modes (14000-14070 kHz, not the US CW privileges, which reach 14150). SSB: the
   * phone segments where they overlap across regions (20 m from 14112 kHz, the region 1 edge, as
   * region 2 has nothing else there). FM: the 10 m FM channels and the 2 m and 70 cm FM sub-bands;
   * 145.8-146 MHz and 435-438 MHz are satellite and stay open.
   */
  private static FrequencyTable<ModeGuess> segments() {
    ModeGuess cw = ModeWords.inferred("CW");
    ModeGuess ssb = ModeWords.inferred("SSB");
    ModeGuess fm = ModeWords.inferred("FM");
    return FrequencyTable.<ModeGuess>builder()
        .add(kHz(1_800), kHz(1_840) - 1, cw)
        .add(kHz(1_850), kHz(2_000), ssb)
        .add(kHz(3_500), kHz(3_570), cw)
        .add(kHz(3_600), kHz(4_000), ssb)
        .add(kHz(7_000), kHz(7_040), cw)
        .add(kHz(7_100), kHz(7_300), ssb)
        .add(kHz(10_100), kHz(10_130), cw)
        .add(kHz(14_000), kHz(14_070), cw)
        .add(kHz(14_112), kHz(14_350), ssb)
        .add(kHz(18_068), kHz(18_095), cw)
        .add(kHz(18_111), kHz(18_168), ssb)
        .add(kHz(21_000), kHz(21_070), cw)
        .add(kHz(21_151), kHz(21_450), ssb)
        .add(kHz(24_890), kHz(24_915) - 1, cw)
        .add(kHz(24_931), kHz(24_990), ssb)
        .add(kHz(28_000), kHz(28_070), cw)
        .add(kHz(28_300), kHz(29_000), ssb)
        .add(kHz(29_520), kHz(29_700), fm)
        .add(kHz(50_000), kHz(50_100) - 1, cw)
        .add(kHz(50_100), kHz(50_300), ssb)
        .add(kHz(144_000), kHz(144_100), cw)
        .add(kHz(144_150), kHz(144_400), ssb)
        .add(kHz(145_000), kHz(145_800) - 1, fm)
        .add(kHz(146_000), kHz(148_000), fm)
        .add(kHz(432_000), kHz(432_100) - 1, cw)
        .add(kHz(432_100), kHz(432_400), ssb)
        .add(kHz(442_000), kHz(450_000), fm)
        .build();
  }
}
