package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;

/** The portable sampler, run on Linux where its answers can be checked against /proc's. */
class OshiHostSamplerTest {
  private final SampleFailures failures =
      new SampleFailures(
          LoggerFactory.getLogger(OshiHostSamplerTest.class),
          InstantSource.system(),
          Duration.ofMinutes(10));

  @Test
  void readsEveryPartWithoutFailing() {
    try (OshiHostSampler sampler =
        new OshiHostSampler(HostMetricsConfig.defaults(), new SystemInfo())) {
      HostSample sample = sampler.sample(HostSample.EMPTY, failures);

      assertThat(sample.memory().totalBytes()).isPositive();
      assertThat(sample.cpus()).hasSize(Runtime.getRuntime().availableProcessors());
      assertThat(sample.cpus().get("0").idle()).isPositive();
      assertThat(sample.bootTimeSeconds()).isPositive();
      assertThat(sample.uname()).isNotNull();
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void agreesWithTheLinuxSamplerOnMemoryRootAndBootTime() {
    HostMetricsConfig config = HostMetricsConfig.defaults();
    try (OshiHostSampler oshi = new OshiHostSampler(config, new SystemInfo());
        LinuxHostSampler linux =
            new LinuxHostSampler(
                config, LinuxProcReader.system(), new StatvfsReader(config.mountTimeout()))) {
      HostSample fromOshi = oshi.sample(HostSample.EMPTY, failures);
      HostSample fromProc = linux.sample(HostSample.EMPTY, failures);

      assertThat(fromOshi.memory().totalBytes()).isEqualTo(fromProc.memory().totalBytes());
      assertThat(fromOshi.bootTimeSeconds()).isEqualTo(fromProc.bootTimeSeconds());
      assertThat(fromOshi.fileSystems().keySet())
          .filteredOn(k -> k.mountPoint().equals("/"))
          .isEqualTo(
              fromProc.fileSystems().keySet().stream()
                  .filter(k -> k.mountPoint().equals("/"))
                  .toList());
    }
  }
}
