package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void readsDurationsAsPeopleWriteThem() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(converter.convert("PT15M")).isEqualTo(Duration.ofMinutes(15));
    assertThat(converter.convert(" 2M ")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void rejectsWhatIsNotADurationWithAnExample() {
    for (String bad : new String[] {"", "15", "fast", "10y", "m"}) {
      assertThatThrownBy(() -> converter.convert(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("e.g. 500ms, 90s, 15m");
    }
  }
}
