package org.dxscraper.instrumentation.host;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link HostMetrics} samples the host.
 *
 * <p>The file system filters work like node_exporter's {@code
 * --collector.filesystem.mount-points-exclude} and {@code --collector.filesystem.fs-types-exclude}:
 * a mount is skipped when either pattern is found in its mount point or type (Go's {@code
 * MatchString}, which is {@link java.util.regex.Matcher#find()}). The defaults are upstream
 * node_exporter's current ones, so the same series appear as on a host that runs it. Debian's
 * package patches its mount point default to also drop {@code /run}, {@code /mnt} and {@code
 * /media}; pass {@link #DEBIAN_MOUNT_POINTS_EXCLUDE} to match a host that runs that one.
 *
 * @param interval pause between the end of one sample and the start of the next
 * @param mountPointsExclude mount points that get no {@code node_filesystem_*} series
 * @param fsTypesExclude file system types that get no {@code node_filesystem_*} series
 * @param mountTimeout how long one {@code statvfs} may take before its mount point counts as stuck
 *     (a hung NFS server) and is skipped, with {@code node_filesystem_device_error} 1, until the
 *     call returns
 */
public record HostMetricsConfig(
    Duration interval,
    Pattern mountPointsExclude,
    Pattern fsTypesExclude,
    Duration mountTimeout,
    HostPaths paths) {

  /**
   * Fifteen seconds: Prometheus' usual scrape interval (and the shipped prometheus.yml's), so a
   * scrape sees a sample at most one interval old. Every 5 s, the samples and the JIT compiling
   * them were most of an idle daemon's CPU (docs/BENCHMARKS.md, "Where the time goes").
   */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

  /** node_exporter's {@code defaultFilesystemMountTimeout}. */
  public static final Duration DEFAULT_MOUNT_TIMEOUT = Duration.ofSeconds(5);

  /** Upstream node_exporter's default {@code mount-points-exclude}. */
  public static final String NODE_EXPORTER_MOUNT_POINTS_EXCLUDE =
      "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";

  /** Debian's prometheus-node-exporter default {@code mount-points-exclude} (package 1.5.0). */
  public static final String DEBIAN_MOUNT_POINTS_EXCLUDE =
      "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";

  /**
   * Upstream node_exporter's default {@code fs-types-exclude}. Note what it keeps: {@code tmpfs}
   * (e.g. {@code /run}, {@code /tmp}), ext4, xfs, btrfs, zfs, vfat, nfs and fuse mounts; {@code
   * overlay} (a container's root) and {@code squashfs} (snaps) are dropped.
   */
  public static final String NODE_EXPORTER_FS_TYPES_EXCLUDE =
      "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs"
          + "|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs"
          + "|squashfs|erofs|sysfs|tracefs)$";

  public HostMetricsConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(mountPointsExclude, "mountPointsExclude");
    Objects.requireNonNull(fsTypesExclude, "fsTypesExclude");
    Objects.requireNonNull(mountTimeout, "mountTimeout");
    Objects.requireNonNull(paths, "paths");
    if (interval.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("interval must be at least 100ms, got " + interval);
    }
    if (mountTimeout.isNegative() || mountTimeout.isZero()) {
      throw new IllegalArgumentException("mountTimeout must be positive, got " + mountTimeout);
    }
  }

  /** Reads this machine's own /proc, /sys and file systems. */
  public HostMetricsConfig(
      Duration interval,
      Pattern mountPointsExclude,
      Pattern fsTypesExclude,
      Duration mountTimeout) {
    this(interval, mountPointsExclude, fsTypesExclude, mountTimeout, HostPaths.DEFAULT);
  }

  /** node_exporter's defaults, sampled every {@link #DEFAULT_INTERVAL}. */
  public static HostMetricsConfig defaults() {
    return new HostMetricsConfig(
        DEFAULT_INTERVAL,
        Pattern.compile(NODE_EXPORTER_MOUNT_POINTS_EXCLUDE),
        Pattern.compile(NODE_EXPORTER_FS_TYPES_EXCLUDE),
        DEFAULT_MOUNT_TIMEOUT);
  }

  public HostMetricsConfig withInterval(Duration interval) {
    return new HostMetricsConfig(interval, mountPointsExclude, fsTypesExclude, mountTimeout, paths);
  }

  public HostMetricsConfig withMountPointsExclude(Pattern mountPointsExclude) {
    return new HostMetricsConfig(interval, mountPointsExclude, fsTypesExclude, mountTimeout, paths);
  }

  /** Reads the host's trees where {@code paths} says they are mounted. */
  public HostMetricsConfig withPaths(HostPaths paths) {
    return new HostMetricsConfig(interval, mountPointsExclude, fsTypesExclude, mountTimeout, paths);
  }

  /** Whether a mount gets {@code node_filesystem_*} series. */
  boolean keepsFileSystem(String mountPoint, String fsType) {
    return !mountPointsExclude.matcher(mountPoint).find() && !fsTypesExclude.matcher(fsType).find();
  }
}
