package org.dxscraper.instrumentation.host;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the host's {@code /proc}, {@code /sys} and {@code /} are, as node_exporter's {@code
 * --path.procfs}, {@code --path.sysfs} and {@code --path.rootfs}: in a container with the host's
 * trees mounted read-only (say at {@code /host/proc}, {@code /host/sys} and {@code /host}), the
 * {@code node_*} series describe the host, not the container. File systems are those of the host's
 * mount table ({@code PROCFS/1/mounts}), measured under {@code ROOTFS} and labelled with the host's
 * own mount points.
 */
public record HostPaths(Path procfs, Path sysfs, Path rootfs) {
  public static final HostPaths DEFAULT =
      new HostPaths(Path.of("/proc"), Path.of("/sys"), Path.of("/"));

  public HostPaths {
    Objects.requireNonNull(procfs, "procfs");
    Objects.requireNonNull(sysfs, "sysfs");
    Objects.requireNonNull(rootfs, "rootfs");
  }

  /** Where a host mount point is seen from here: {@code /var} under {@code /host} is /host/var. */
  public Path underRoot(String mountPoint) {
    String relative = mountPoint.startsWith("/") ? mountPoint.substring(1) : mountPoint;
    return relative.isEmpty() ? rootfs : rootfs.resolve(relative);
  }
}
