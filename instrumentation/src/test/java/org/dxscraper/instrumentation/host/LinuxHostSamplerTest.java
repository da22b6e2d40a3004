package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.dxscraper.instrumentation.host.HostSample.CpuTimes;
import org.dxscraper.instrumentation.host.HostSample.FileSystemKey;
import org.dxscraper.instrumentation.host.HostSample.FileSystemStats;
import org.dxscraper.instrumentation.host.HostSample.Uname;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The Linux sampler against this machine's /proc, read independently here. */
class LinuxHostSamplerTest {
  private LinuxHostSampler sampler;
  private final SampleFailures failures =
      new SampleFailures(
          LoggerFactory.getLogger(LinuxHostSamplerTest.class),
          InstantSource.system(),
          Duration.ofMinutes(10));

  @BeforeEach
  void onLinuxOnly() {
    assumeThat(System.getProperty("os.name")).as("reads /proc and /sys").isEqualTo("Linux");
    HostMetricsConfig config = HostMetricsConfig.defaults();
    sampler =
        new LinuxHostSampler(
            config, LinuxProcReader.system(), new StatvfsReader(config.mountTimeout()));
  }

  @AfterEach
  void close() {
    if (sampler != null) {
      sampler.close();
    }
  }

  private HostSample sample() {
    return sampler.sample(HostSample.EMPTY, failures);
  }

  private static long meminfoKib(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    throw new AssertionError(field + " not in /proc/meminfo");
  }

  private static List<String> procStat(String prefix) throws IOException {
    return Files.readAllLines(Path.of("/proc/stat")).stream()
        .filter(l -> l.startsWith(prefix + " "))
        .map(l -> List.of(l.trim().split("\\s+")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void memoryTotalIsMeminfoMemTotalInBytes() throws IOException {
    assertThat(sample().memory().totalBytes()).isEqualTo(meminfoKib("MemTotal") * 1024.0);
  }

  @Test
  void memoryAvailableIsWithinFivePercentOfMeminfo() throws IOException {
    double expected = meminfoKib("MemAvailable") * 1024.0;

    assertThat(sample().memory().availableBytes()).isCloseTo(expected, within(expected * 0.05));
  }

  @Test
  void loadIsWithinHalfAUnitOfProcLoadavg() throws IOException {
    String[] loadavg = Files.readString(Path.of("/proc/loadavg")).split(" ");

    HostSample sample = sample();

    assertThat(sample.load().one()).isCloseTo(Double.parseDouble(loadavg[0]), within(0.5));
    assertThat(sample.load().five()).isCloseTo(Double.parseDouble(loadavg[1]), within(0.5));
    assertThat(sample.load().fifteen()).isCloseTo(Double.parseDouble(loadavg[2]), within(0.5));
  }

  @Test
  void rootFileSystemSizeIsWhatTheJdkSees() throws IOException {
    FileStore root = Files.getFileStore(Path.of("/"));

    Map<FileSystemKey, FileSystemStats> fileSystems = sample().fileSystems();

    FileSystemKey key =
        fileSystems.keySet().stream()
            .filter(k -> k.mountPoint().equals("/"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no / in " + fileSystems.keySet()));
    assertThat(key.fsType()).isEqualTo(root.type());
    assertThat(key.device()).isEqualTo(root.name());
    assertThat(fileSystems.get(key).sizeBytes()).isEqualTo((double) root.getTotalSpace());
    assertThat(fileSystems.get(key).deviceError()).isFalse();
  }

  @Test
  void cpuSecondsAreProcStatTicksOverUserHzAndNeverGoDown() throws IOException {
    long before = Long.parseLong(procStat("cpu0").get(1));
    HostSample first = sample();
    long after = Long.parseLong(procStat("cpu0").get(1));

    assertThat(first.cpus().get("0").user()).isBetween(before / 100.0, after / 100.0);
    assertThat(first.cpus()).hasSize(Runtime.getRuntime().availableProcessors());

    HostSample second = sampler.sample(first, failures);
    first
        .cpus()
        .forEach(
            (cpu, earlier) -> {
              CpuTimes later = second.cpus().get(cpu);
              assertThat(later.user()).isGreaterThanOrEqualTo(earlier.user());
              assertThat(later.system()).isGreaterThanOrEqualTo(earlier.system());
              assertThat(later.idle()).isGreaterThanOrEqualTo(earlier.idle());
              assertThat(later.iowait()).isGreaterThanOrEqualTo(earlier.iowait());
            });
  }

  @Test
  void bootTimeIsWithinTwoSecondsOfProcStatBtime() throws IOException {
    long btime = Long.parseLong(procStat("btime").get(1));

    assertThat(sample().bootTimeSeconds()).isCloseTo(btime, within(2.0));
  }

  @Test
  void networkIncludesLoopbackLikeNodeExporter() {
    assertThat(sample().networks()).containsKey("lo");
    assertThat(sample().networks().get("lo").receiveBytes()).isPositive();
  }

  @Test
  void unameReleaseIsTheKernelTheJvmRunsOn() {
    Uname uname = sample().uname();

    assertThat(uname.sysname()).isEqualTo("Linux");
    assertThat(uname.release()).isEqualTo(System.getProperty("os.version"));
    assertThat(uname.machine()).isNotBlank();
  }
}
