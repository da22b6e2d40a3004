package org.dxscraper.instrumentation.host;

import java.util.HashMap;
import java.util.Map;
import org.dxscraper.instrumentation.host.HostSample.CpuTimes;

/**
 * Keeps {@code node_cpu_seconds_total} a counter the way node_exporter does. The kernel's per-CPU
 * idle and iowait times can step back a little (NO_HZ accounting), which {@code rate()} would read
 * as a reset and turn into a spike; so a mode that went down keeps its last value. Idle going back
 * by {@value #JUMP_BACK_SECONDS} s or more means the CPU was unplugged and plugged back in: its
 * counters restart from what the kernel says. CPUs that went offline are forgotten.
 *
 * <p>Confined to the sampler thread.
 */
final class CpuCounterGuard {
  /** node_exporter's {@code jumpBackSeconds}. */
  static final double JUMP_BACK_SECONDS = 3.0;

  private Map<String, CpuTimes> last = Map.of();

  /** The counters to publish for {@code current}, the kernel's values just read. */
  Map<String, CpuTimes> update(Map<String, CpuTimes> current) {
    Map<String, CpuTimes> published = new HashMap<>();
    current.forEach(
        (cpu, now) -> {
          CpuTimes before = last.get(cpu);
          boolean fresh = before == null || before.idle() - now.idle() >= JUMP_BACK_SECONDS;
          published.put(cpu, fresh ? now : now.atLeast(before));
        });
    last = published;
    return published;
  }
}
