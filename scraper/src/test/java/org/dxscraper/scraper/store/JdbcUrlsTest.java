package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

  @Test
  void hidesAPasswordParameter() {
    assertThat(JdbcUrls.redact("jdbc:postgresql://db/dx?user=dx&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/dx?user=dx&password=***&ssl=true");
  }

  @Test
  void hidesAPasswordBeforeTheHost() {
    assertThat(JdbcUrls.redact("postgres://dx:hunter2@db:5432/dx"))
        .isEqualTo("postgres://dx:***@db:5432/dx")
        .doesNotContain("hunter2");
  }

  @Test
  void leavesAUrlWithoutPasswordAlone() {
    assertThat(JdbcUrls.redact("jdbc:postgresql://127.0.0.1:5432/dx_scraper"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/dx_scraper");
  }
}
