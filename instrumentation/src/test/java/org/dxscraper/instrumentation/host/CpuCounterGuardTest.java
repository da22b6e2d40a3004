package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.dxscraper.instrumentation.host.HostSample.CpuTimes;
import org.junit.jupiter.api.Test;

class CpuCounterGuardTest {
  private final CpuCounterGuard guard = new CpuCounterGuard();

  private static CpuTimes idleAndIowait(double idle, double iowait) {
    return new CpuTimes(10, 0, 5, idle, iowait, 0, 1, 0);
  }

  @Test
  void modeThatStepsBackKeepsItsLastValue() {
    guard.update(Map.of("0", idleAndIowait(1000, 20)));

    CpuTimes published = guard.update(Map.of("0", idleAndIowait(999.5, 19.9))).get("0");

    assertThat(published.idle()).isEqualTo(1000);
    assertThat(published.iowait()).isEqualTo(20);
  }

  @Test
  void idleJumpingBackThreeSecondsOrMoreIsAHotplugAndRestartsTheCpu() {
    guard.update(Map.of("1", idleAndIowait(1000, 20)));

    CpuTimes published = guard.update(Map.of("1", idleAndIowait(997, 0.5))).get("1");

    assertThat(published).isEqualTo(idleAndIowait(997, 0.5));
  }

  @Test
  void cpuThatWentOfflineIsForgotten() {
    guard.update(Map.of("0", idleAndIowait(1000, 20), "1", idleAndIowait(1000, 20)));
    assertThat(guard.update(Map.of("0", idleAndIowait(1001, 20)))).containsOnlyKeys("0");

    CpuTimes back = guard.update(Map.of("1", idleAndIowait(2, 0))).get("1");

    assertThat(back.idle()).as("starts over from the kernel's value").isEqualTo(2);
  }
}
