package org.dxscraper.scraper.simulate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes up plausible traffic: spots of real-looking calls on in-band frequencies with the comments
 * humans and skimmers write, and now and then a WWV, WCY or announcement line.
 *
 * <p>Deterministic for a seed and a call list (times come from the injected clock). No two spots
 * within the last {@link #DISTINCT_WINDOW} share call and frequency, so a test can count them. Not
 * thread-safe: used on the simulator's event loop only.
 */
final class SpotGenerator {

  /** Debian package hamradio-files: a contest "super check partial" list, one call per line. */
  static final Path MASTER_SCP = Path.of("/usr/share/hamradio-files/MASTER.SCP");

  static final int DISTINCT_WINDOW = 100_000;

  private static final Logger log = LoggerFactory.getLogger(SpotGenerator.class);
  private static final Pattern CALL = Pattern.compile("[A-Z0-9]{1,12}(/[A-Z0-9]{1,12}){0,2}");
  private static final Pattern PLAIN_CALL = Pattern.compile("[A-Z0-9]{3,8}");
  private static final String[] PREFIXES = {
    "K", "W", "N", "AA", "VE", "G", "M", "F", "DL", "DK", "I", "EA", "OH", "SM", "LA", "OK", "SP",
    "HA", "YO", "UA", "JA", "JH", "VK", "ZL", "PY", "LU", "ZS", "VU", "BY", "HL", "CX", "EI", "ON",
    "PA", "OE", "HB9", "S5", "9A", "LZ", "4X", "A6", "KH6", "KL7", "CE", "XE", "TI", "HK", "YB"
  };
  private static final String[] CW_COMMENTS = {
    "CW", "599", "tnx QSO", "up 2", "CW 26 wpm", "", "QSX up 1", "599 TU", "loud in EU"
  };
  private static final String[] SSB_COMMENTS = {
    "59", "tnx QSO", "up 5", "SSB", "QRZ?", "", "loud", "5/9 tnx J\u00fcrgen", "pileup"
  };
  private static final String[] FT8_SUFFIXES = {"", "", " tnx", " CQ DX", " TX 1234Hz"};
  private static final String[] ANNOUNCEMENTS = {
    "contest this weekend, all bands",
    "6m open to EU right now",
    "QSL via bureau only please",
    "club net tonight 2000Z on 3.750",
    "new DXCC entity worked, tnx all"
  };
  private static final String[] FORECASTS = {
    "No Storms -> No Storms", "No Storms -> Minor", "Minor -> No Storms"
  };

  private record Segment(String mode, long lowTenths, long highTenths) {}

  /**
   * CW, FT8 and SSB segments from 160 m to 2 m, in tenths of a kHz, kept a little inside the band
   * edges so that the +0.1 kHz nudge for a repeated spot stays in band.
   */
  private static final Segment[] SEGMENTS = {
    new Segment("CW", 18_000, 18_400), new Segment("FT8", 18_400, 18_400),
    new Segment("SSB", 18_400, 19_900), new Segment("CW", 35_000, 35_700),
    new Segment("FT8", 35_730, 35_730), new Segment("SSB", 36_000, 38_000),
    new Segment("FT8", 53_570, 53_570), new Segment("CW", 70_000, 70_400),
    new Segment("FT8", 70_740, 70_740), new Segment("SSB", 71_000, 72_000),
    new Segment("CW", 101_000, 101_300), new Segment("FT8", 101_360, 101_360),
    new Segment("CW", 140_000, 140_700), new Segment("FT8", 140_740, 140_740),
    new Segment("SSB", 141_500, 143_400), new Segment("CW", 180_680, 180_950),
    new Segment("FT8", 181_000, 181_000), new Segment("SSB", 181_100, 181_600),
    new Segment("CW", 210_000, 210_700), new Segment("FT8", 210_740, 210_740),
    new Segment("SSB", 211_500, 214_400), new Segment("CW", 248_900, 249_150),
    new Segment("FT8", 249_150, 249_150), new Segment("SSB", 249_300, 249_800),
    new Segment("CW", 280_000, 280_700), new Segment("FT8", 280_740, 280_740),
    new Segment("SSB", 283_000, 290_000), new Segment("CW", 500_000, 501_000),
    new Segment("FT8", 503_130, 503_130), new Segment("SSB", 501_000, 505_000),
    new Segment("CW", 1_440_000, 1_440_500), new Segment("FT8", 1_441_740, 1_441_740),
    new Segment("SSB", 1_442_000, 1_444_000)
  };

  private final List<String> calls;
  private final List<String> spotters;
  private final SplittableRandom random;
  private final String nodeCall;
  private final InstantSource clock;
  private final LinkedHashSet<String> recent = new LinkedHashSet<>();
  private final int extraOneIn;

  /**
   * @param extraOneIn {@link #nextExtraOrNull()} gives a line about once in this many calls; 0 =
   *     never
   */
  SpotGenerator(
      List<String> calls, long seed, String nodeCall, InstantSource clock, int extraOneIn) {
    if (calls.isEmpty()) {
      throw new IllegalArgumentException("need at least one call to spot, got none");
    }
    this.calls = List.copyOf(calls);
    List<String> plain = this.calls.stream().filter(c -> PLAIN_CALL.matcher(c).matches()).toList();
    this.spotters = plain.isEmpty() ? this.calls : plain;
    this.random = new SplittableRandom(seed);
    this.nodeCall = nodeCall;
    this.clock = clock;
    this.extraOneIn = extraOneIn;
  }

  /**
   * The calls of {@code file} (one per line, '#' lines skipped) when it is readable, else {@code
   * fallbackCount} generated call-shaped calls.
   */
  static List<String> loadCalls(Path file, long seed, int fallbackCount) {
    if (Files.isReadable(file)) {
      try (var lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
        List<String> calls =
            lines
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.toUpperCase(Locale.ROOT))
                .filter(c -> CALL.matcher(c).matches())
                .toList();
        if (!calls.isEmpty()) {
          log.info("simulator: {} calls from {}", calls.size(), file);
          return calls;
        }
      } catch (IOException | UncheckedIOException e) {
        log.warn("simulator: cannot read {}, generating calls instead: {}", file, e.toString());
      }
    }
    log.info("simulator: {} not readable, generating {} calls", file, fallbackCount);
    return generatedCalls(seed, fallbackCount);
  }

  /** Prefix + digit + one to three letters, e.g. {@code DL4ABC}: shaped like real calls. */
  static List<String> generatedCalls(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed);
    LinkedHashSet<String> calls = new LinkedHashSet<>();
    while (calls.size() < count) {
      StringBuilder b = new StringBuilder(PREFIXES[r.nextInt(PREFIXES.length)]);
      if (!Character.isDigit(b.charAt(b.length() - 1))) {
        b.append(r.nextInt(10));
      }
      int suffix = 1 + r.nextInt(3);
      for (int i = 0; i < suffix; i++) {
        b.append((char) ('A' + r.nextInt(26)));
      }
      calls.add(b.toString());
    }
    return List.copyOf(calls);
  }

  SimulatedSpot nextSpot() {
    Segment segment = SEGMENTS[random.nextInt(SEGMENTS.length)];
    long tenths = frequency(segment);
    String dx = pick(calls);
    while (!remember(dx + "@" + tenths)) {
      // A repeat within the window: another call, and after a few tries another frequency.
      dx = pick(calls);
      if (random.nextInt(4) == 0) {
        tenths += 1;
      }
    }
    boolean skimmer = segment.mode().equals("CW") && random.nextInt(4) == 0;
    String spotter = pick(spotters) + (skimmer ? "-#" : "");
    String comment = skimmer ? skimmerComment() : comment(segment.mode());
    return new SimulatedSpot(spotter, tenths, dx, comment, clock.instant());
  }

  /** A WWV, WCY or announcement line about once in {@code extraOneIn} calls, else null. */
  SentLine nextExtraOrNull() {
    if (extraOneIn == 0 || random.nextInt(extraOneIn) != 0) {
      return null;
    }
    String hour = DxSpiderFormat.hour(clock.instant());
    int sfi = 70 + random.nextInt(150);
    int a = random.nextInt(30);
    int k = random.nextInt(6);
    return switch (random.nextInt(3)) {
      case 0 ->
          new SentLine(
              SentLine.Kind.WWV,
              "WWV de "
                  + nodeCall
                  + " <"
                  + hour
                  + ">:   SFI="
                  + sfi
                  + ", A="
                  + a
                  + ", K="
                  + k
                  + ", "
                  + FORECASTS[random.nextInt(FORECASTS.length)]);
      case 1 ->
          new SentLine(
              SentLine.Kind.WCY,
              "WCY de DK0WCY-1 <"
                  + hour
                  + "> : K="
                  + k
                  + " expK="
                  + random.nextInt(6)
                  + " A="
                  + a
                  + " R="
                  + random.nextInt(200)
                  + " SFI="
                  + sfi
                  + " SA=qui GMF=qui Au=no");
      default ->
          new SentLine(
              SentLine.Kind.ANNOUNCEMENT,
              "To ALL de N1SIM: " + ANNOUNCEMENTS[random.nextInt(ANNOUNCEMENTS.length)]);
    };
  }

  /** 10 to 100 random bytes, any value but LF (which would end the line early). */
  SentLine garbage() {
    int length = 10 + random.nextInt(91);
    char[] bytes = new char[length];
    for (int i = 0; i < length; i++) {
      int b;
      do {
        b = random.nextInt(256);
      } while (b == '\n');
      bytes[i] = (char) b;
    }
    return new SentLine(SentLine.Kind.GARBAGE, new String(bytes));
  }

  SentLine overlong() {
    String head = "DX de OVERLONG: ";
    return new SentLine(SentLine.Kind.OVERLONG, head + "x".repeat(5000 - head.length()));
  }

  private long frequency(Segment segment) {
    long span = segment.highTenths() - segment.lowTenths();
    return segment.lowTenths() + (span == 0 ? 0 : random.nextLong(span + 1));
  }

  private String comment(String mode) {
    return switch (mode) {
      case "CW" -> CW_COMMENTS[random.nextInt(CW_COMMENTS.length)];
      case "SSB" -> SSB_COMMENTS[random.nextInt(SSB_COMMENTS.length)];
      default ->
          "FT8 "
              + (random.nextInt(35) - 24)
              + "dB"
              + FT8_SUFFIXES[random.nextInt(FT8_SUFFIXES.length)];
    };
  }

  /** What a CW skimmer relayed through a cluster says: signal, speed, and CQ. */
  private String skimmerComment() {
    return "CW " + (3 + random.nextInt(35)) + " dB " + (14 + random.nextInt(22)) + " WPM CQ";
  }

  private String pick(List<String> from) {
    return from.get(random.nextInt(from.size()));
  }

  private boolean remember(String key) {
    if (!recent.add(key)) {
      return false;
    }
    if (recent.size() > DISTINCT_WINDOW) {
      Iterator<String> oldest = recent.iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  @Override
  public String toString() {
    return "SpotGenerator[calls=" + calls.size() + ", spotters=" + spotters.size() + "]";
  }
}
