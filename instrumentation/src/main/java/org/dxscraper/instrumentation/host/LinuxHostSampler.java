package org.dxscraper.instrumentation.host;

import static org.dxscraper.instrumentation.host.HostSampler.readPart;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.dxscraper.instrumentation.host.HostSample.FileSystemKey;
import org.dxscraper.instrumentation.host.HostSample.FileSystemStats;
import org.dxscraper.instrumentation.host.LinuxProcReader.MountEntry;
import org.dxscraper.instrumentation.host.LinuxProcReader.ProcStat;
import org.dxscraper.instrumentation.host.StatvfsReader.Result;

/**
 * Samples a Linux host from the files and calls node_exporter uses, so every value equals what
 * node_exporter would report at the same moment.
 *
 * <p>Why not OSHI here: each OSHI accessor checked (6.12.0) differs from node_exporter somewhere
 * that dashboards see. Its per-CPU ticks are indexed by position, so the {@code cpu} labels shift
 * when a CPU is offline; it has no {@code MemFree}; its network list comes from {@link
 * java.net.NetworkInterface}, which misses devices without an address; and its file stores apply
 * OSHI's own excludes (all of /run, for one) and fork {@code lsblk} on every call. {@link
 * OshiHostSampler} serves the other platforms.
 */
final class LinuxHostSampler implements HostSampler {
  private final HostMetricsConfig config;
  private final LinuxProcReader proc;
  private final StatvfsReader statvfs;
  private final CpuCounterGuard cpuGuard = new CpuCounterGuard();

  LinuxHostSampler(HostMetricsConfig config, LinuxProcReader proc, StatvfsReader statvfs) {
    this.config = Objects.requireNonNull(config, "config");
    this.proc = Objects.requireNonNull(proc, "proc");
    this.statvfs = Objects.requireNonNull(statvfs, "statvfs");
  }

  @Override
  public String source() {
    return "/proc, /sys and statvfs(3)";
  }

  @Override
  public HostSample sample(HostSample previous, SampleFailures failures) {
    ProcStat stat =
        readPart(
            "/proc/stat",
            () -> {
              ProcStat read = proc.readStat();
              return new ProcStat(cpuGuard.update(read.cpus()), read.bootTimeSeconds());
            },
            new ProcStat(previous.cpus(), previous.bootTimeSeconds()),
            failures);
    return new HostSample(
        readPart("/proc/loadavg", proc::readLoad, previous.load(), failures),
        readPart("/proc/meminfo", proc::readMemory, previous.memory(), failures),
        stat.cpus(),
        readPart("file systems", this::readFileSystems, previous.fileSystems(), failures),
        readPart("/sys/class/net", proc::readNetworks, previous.networks(), failures),
        stat.bootTimeSeconds(),
        readPart(
            "/proc/sys/kernel",
            () -> proc.readUname(machine(System.getProperty("os.arch", ""))),
            previous.uname(),
            failures));
  }

  private Map<FileSystemKey, FileSystemStats> readFileSystems() throws IOException {
    // node_exporter reports a (device, mountpoint, fstype) once however often it is mounted.
    Map<FileSystemKey, MountEntry> kept = new LinkedHashMap<>();
    for (MountEntry mount : proc.readMounts()) {
      if (config.keepsFileSystem(mount.mountPoint(), mount.fsType())) {
        kept.putIfAbsent(
            new FileSystemKey(mount.device(), mount.mountPoint(), mount.fsType()), mount);
      }
    }
    // Measured where the host's root is mounted here, labelled with the host's mount points.
    Map<String, Optional<Result>> stats =
        statvfs.readAll(
            kept.values().stream()
                .map(MountEntry::mountPoint)
                .distinct()
                .map(m -> config.paths().underRoot(m).toString())
                .toList());
    Map<FileSystemKey, FileSystemStats> fileSystems = new LinkedHashMap<>();
    kept.forEach(
        (key, mount) ->
            fileSystems.put(
                key,
                stats
                    .get(config.paths().underRoot(mount.mountPoint()).toString())
                    .map(r -> fileSystemStats(r, mount.readOnly()))
                    .orElseGet(() -> FileSystemStats.unreadable(mount.readOnly()))));
    return fileSystems;
  }

  private static FileSystemStats fileSystemStats(Result r, boolean readOnly) {
    // node_exporter multiplies by f_bsize (Go's Statfs_t.Bsize), not f_frsize; on every common
    // Linux file system the two are equal.
    double blockSize = r.blockSize();
    return new FileSystemStats(
        r.blocks() * blockSize,
        r.blocksFree() * blockSize,
        r.blocksAvail() * blockSize,
        r.files(),
        r.filesFree(),
        readOnly,
        false);
  }

  /** uname's machine for a kernel without /proc/sys/kernel/arch (before 6.1), from os.arch. */
  static String machine(String javaArch) {
    return switch (javaArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "x86_64";
      case "x86", "i386", "i686" -> "i686";
      default -> javaArch;
    };
  }

  @Override
  public void close() {
    statvfs.close();
  }
}
