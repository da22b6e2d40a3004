package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostMetricsConfigTest {
  private final HostMetricsConfig defaults = HostMetricsConfig.defaults();

  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource({
    "/, ext4",
    "/boot/efi, vfat",
    "/home, xfs",
    "/srv/pool, zfs",
    "/data, btrfs",
    "/run, tmpfs",
    "/run/user/1000, tmpfs",
    "/tmp, tmpfs",
    "/mnt/nas, nfs4",
  })
  void keepsWhatNodeExporterKeeps(String mountPoint, String fsType) {
    assertThat(defaults.keepsFileSystem(mountPoint, fsType)).isTrue();
  }

  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource({
    "/proc, proc",
    "/sys, sysfs",
    "/sys/fs/cgroup, tmpfs",
    "/sys/fs/cgroup/memory, cgroup",
    "/dev, devtmpfs",
    "/dev/shm, tmpfs",
    "/dev/pts, devpts",
    "/run/credentials/systemd-journald.service, ramfs",
    "/var/lib/docker/overlay2/3f2a/merged, overlay",
    "/var/lib/docker/containers/3f2a/mounts/shm, tmpfs",
    "/var/lib/containers/storage/overlay, xfs",
    "/, overlay",
    "/snap/core22/1380, squashfs",
    "/run/netns/cni-1, nsfs",
    "/proc/sys/fs/binfmt_misc, binfmt_misc",
  })
  void dropsWhatNodeExporterDrops(String mountPoint, String fsType) {
    assertThat(defaults.keepsFileSystem(mountPoint, fsType)).isFalse();
  }

  @Test
  void debianPatternAlsoDropsRunMntAndMedia() {
    HostMetricsConfig debian =
        defaults.withMountPointsExclude(
            Pattern.compile(HostMetricsConfig.DEBIAN_MOUNT_POINTS_EXCLUDE));

    assertThat(debian.keepsFileSystem("/run", "tmpfs")).isFalse();
    assertThat(debian.keepsFileSystem("/mnt/nas", "nfs4")).isFalse();
    assertThat(debian.keepsFileSystem("/media/usb", "vfat")).isFalse();
    assertThat(debian.keepsFileSystem("/", "ext4")).isTrue();
  }

  @Test
  void refusesAnIntervalShorterThanATenthOfASecond() {
    assertThatThrownBy(() -> defaults.withInterval(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be at least 100ms, got PT0.01S");
  }

  @Test
  void refusesANonPositiveMountTimeout() {
    assertThatThrownBy(
            () ->
                new HostMetricsConfig(
                    Duration.ofSeconds(5),
                    defaults.mountPointsExclude(),
                    defaults.fsTypesExclude(),
                    Duration.ZERO))
        .hasMessage("mountTimeout must be positive, got PT0S");
  }
}
