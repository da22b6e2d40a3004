package org.dxscraper.scraper.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallTableTest {

  private static final Optional<Dxcc> USA = Optional.of(new Dxcc("United States", "K", "NA", 5, 8));
  private static final Optional<Dxcc> JAPAN = Optional.of(new Dxcc("Japan", "JA", "AS", 25, 45));

  @Test
  void findsAKeyInARegionOfTheTextWhateverItsCase() {
    CallTable table = new CallTable(Map.of("K1ABC", USA, "JA1ZZZ", JAPAN));

    assertThat(table.get("K1ABC", 0, 5)).isSameAs(USA);
    assertThat(table.get("de k1abc/p", 3, 8)).isSameAs(USA);
    assertThat(table.get("JA1ZZZ-#", 0, 6)).isSameAs(JAPAN);
    assertThat(table.get("K1AB", 0, 4)).isNull();
    assertThat(table.get("K1ABCD", 0, 6)).isNull();
    assertThat(table.get("K1ABC", 2, 2)).isNull();
  }

  @Test
  void keysWithTheSameHashAreToldApart() {
    // 31 * 'A' + 'P' == 31 * 'B' + '1': the same hash, the same length, the same first slot.
    CallTable table = new CallTable(Map.of("AP", USA, "B1", JAPAN));

    assertThat(table.get("AP", 0, 2)).isSameAs(USA);
    assertThat(table.get("b1", 0, 2)).isSameAs(JAPAN);
    assertThat(table.get("AQ", 0, 2)).isNull();
  }

  @Test
  void keysLongerThanTheSlotsLengthFieldAreFoundByTheirWholeLength() {
    String longer = "K".repeat(300);
    String shorter = "K".repeat(256);
    CallTable table = new CallTable(Map.of(longer, USA, shorter, JAPAN));

    assertThat(table.get(longer, 0, 300)).isSameAs(USA);
    assertThat(table.get(longer, 0, 256)).isSameAs(JAPAN);
    assertThat(table.get(longer, 0, 299)).isNull();
  }

  @Test
  void answersAsAMapDoesForAsManyKeysAsCtyDatHolds() {
    Random random = new Random(7);
    Map<String, Optional<Dxcc>> entries = new HashMap<>();
    while (entries.size() < 20_000) {
      entries.put(call(random), random.nextBoolean() ? USA : JAPAN);
    }
    CallTable table = new CallTable(entries);

    for (Map.Entry<String, Optional<Dxcc>> entry : entries.entrySet()) {
      String key = entry.getKey();
      assertThat(table.get("<" + key.toLowerCase() + ">", 1, key.length() + 1))
          .as(key)
          .isSameAs(entry.getValue());
    }
    int misses = 0;
    for (int i = 0; i < 100_000; i++) {
      String call = call(random);
      if (!entries.containsKey(call)) {
        assertThat(table.get(call, 0, call.length())).as(call).isNull();
        misses++;
      }
    }
    // Short calls are nearly all in the table; most longer ones are not.
    assertThat(misses).isGreaterThan(75_000);
  }

  private static String call(Random random) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/";
    StringBuilder call = new StringBuilder();
    for (int length = 1 + random.nextInt(10); call.length() < length; ) {
      call.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return call.toString();
  }
}
