package org.dxscraper.instrumentation.host;

import java.util.Map;
import java.util.Objects;

/**
 * One reading of the host, in node_exporter's units (bytes, seconds, counts). Built on the sampler
 * thread, then published whole and only read, so a scrape sees the parts of one sample together. A
 * value that the platform cannot give is {@code NaN}.
 *
 * @param cpus per logical CPU, keyed by node_exporter's {@code cpu} label ("0", "1", ...)
 * @param networks per network device, keyed by its name ({@code lo} included)
 * @param bootTimeSeconds Unix time of the boot, as {@code btime} in /proc/stat
 * @param uname null until it was first read
 */
record HostSample(
    Load load,
    Memory memory,
    Map<String, CpuTimes> cpus,
    Map<FileSystemKey, FileSystemStats> fileSystems,
    Map<String, NetworkStats> networks,
    double bootTimeSeconds,
    Uname uname) {

  /** Before the first sample: every value unknown, no devices. */
  static final HostSample EMPTY =
      new HostSample(
          new Load(Double.NaN, Double.NaN, Double.NaN),
          new Memory(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN),
          Map.of(),
          Map.of(),
          Map.of(),
          Double.NaN,
          null);

  HostSample {
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(memory, "memory");
    cpus = Map.copyOf(cpus);
    fileSystems = Map.copyOf(fileSystems);
    networks = Map.copyOf(networks);
  }

  /** {@code node_load1}, {@code node_load5}, {@code node_load15}. */
  record Load(double one, double five, double fifteen) {}

  /** The /proc/meminfo fields node_exporter exposes as {@code node_memory_<Field>_bytes}. */
  record Memory(
      double totalBytes,
      double availableBytes,
      double freeBytes,
      double swapTotalBytes,
      double swapFreeBytes) {}

  /** Seconds one CPU spent in each of node_exporter's {@code mode}s since boot. */
  record CpuTimes(
      double user,
      double nice,
      double system,
      double idle,
      double iowait,
      double irq,
      double softirq,
      double steal) {

    /** Each mode at least as high as in {@code earlier}: a counter must not go down. */
    CpuTimes atLeast(CpuTimes earlier) {
      return new CpuTimes(
          Math.max(user, earlier.user),
          Math.max(nice, earlier.nice),
          Math.max(system, earlier.system),
          Math.max(idle, earlier.idle),
          Math.max(iowait, earlier.iowait),
          Math.max(irq, earlier.irq),
          Math.max(softirq, earlier.softirq),
          Math.max(steal, earlier.steal));
    }
  }

  /** node_exporter's labels of one mount: the source, where it is mounted, and its type. */
  record FileSystemKey(String device, String mountPoint, String fsType) {
    FileSystemKey {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(mountPoint, "mountPoint");
      Objects.requireNonNull(fsType, "fsType");
    }
  }

  /**
   * {@code statvfs} of one mount. When it could not be read ({@code deviceError}), the sizes are
   * NaN, where node_exporter leaves them out.
   */
  record FileSystemStats(
      double sizeBytes,
      double freeBytes,
      double availBytes,
      double files,
      double filesFree,
      boolean readOnly,
      boolean deviceError) {

    static FileSystemStats unreadable(boolean readOnly) {
      return new FileSystemStats(
          Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, readOnly, true);
    }
  }

  /** The kernel's counters of one network device since it appeared. */
  record NetworkStats(
      double receiveBytes,
      double transmitBytes,
      double receivePackets,
      double transmitPackets,
      double receiveErrs,
      double transmitErrs,
      double receiveDrop,
      double transmitDrop) {}

  /** uname(2), as node_exporter labels {@code node_uname_info}. */
  record Uname(
      String sysname,
      String release,
      String version,
      String machine,
      String nodename,
      String domainname) {
    Uname {
      Objects.requireNonNull(sysname, "sysname");
      Objects.requireNonNull(release, "release");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(machine, "machine");
      Objects.requireNonNull(nodename, "nodename");
      Objects.requireNonNull(domainname, "domainname");
    }
  }
}
