package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dxscraper.instrumentation.host.HostSample.CpuTimes;
import org.dxscraper.instrumentation.host.HostSample.Memory;
import org.dxscraper.instrumentation.host.LinuxProcReader.MountEntry;
import org.dxscraper.instrumentation.host.LinuxProcReader.ProcStat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxProcReaderTest {
  @TempDir Path dir;

  private LinuxProcReader reader(FakeHost host) {
    return new LinuxProcReader(host.proc, host.sys);
  }

  @Test
  void decodesEscapedSpacesAndTabsInMountPoints() throws IOException {
    List<MountEntry> mounts =
        LinuxProcReader.parseMounts(
            List.of(
                "/dev/sdc1 /media/usb\\040stick vfat rw,nosuid 0 0",
                "server:/x /mnt/a\\011b\\134c nfs4 ro,vers=4.2 0 0"));

    assertThat(mounts)
        .containsExactly(
            new MountEntry("/dev/sdc1", "/media/usb stick", "vfat", "rw,nosuid"),
            new MountEntry("server:/x", "/mnt/a\tb\\c", "nfs4", "ro,vers=4.2"));
    assertThat(mounts.get(1).readOnly()).isTrue();
    assertThat(mounts.get(0).readOnly()).isFalse();
  }

  @Test
  void rejectsAMalformedMountLine() {
    assertThatThrownBy(() -> LinuxProcReader.parseMounts(List.of("rootfs /")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("rootfs /");
  }

  @Test
  void fallsBackToOwnMountTableWhenPid1sIsHidden() throws IOException {
    FakeHost host = new FakeHost(dir);
    Files.delete(host.proc.resolve("1/mounts"));
    FakeHost.write(host.proc.resolve("self/mounts"), "/dev/vda / ext4 rw 0 0\n");

    assertThat(reader(host).readMounts())
        .containsExactly(new MountEntry("/dev/vda", "/", "ext4", "rw"));
  }

  @Test
  void convertsMeminfoKibibytesToBytesAndLeavesMissingFieldsNaN() throws IOException {
    FakeHost host =
        new FakeHost(dir).meminfo("MemTotal:  1000 kB\nMemFree:  10 kB\nHugePages_Free: 3\n");

    Memory memory = reader(host).readMemory();

    assertThat(memory.totalBytes()).isEqualTo(1_024_000);
    assertThat(memory.freeBytes()).isEqualTo(10_240);
    assertThat(memory.availableBytes()).isNaN();
    assertThat(memory.swapTotalBytes()).isNaN();
  }

  @Test
  void refusesMeminfoWithoutMemTotal() {
    FakeHost host = new FakeHost(dir).meminfo("MemFree:  10 kB\n");

    assertThatThrownBy(() -> reader(host).readMemory()).hasMessageContaining("no MemTotal");
  }

  @Test
  void labelsCpusByTheirNumberWhenOneIsOffline() throws IOException {
    FakeHost host = new FakeHost(dir);
    FakeHost.write(
        host.proc.resolve("stat"),
        "cpu  10 0 0 0 0 0 0 0\ncpu0 500 1 2 3 4 5 6 7 8 9\ncpu2 100 0 0 0 0 0 0\nbtime 42\n");

    ProcStat stat = reader(host).readStat();

    assertThat(stat.cpus()).containsOnlyKeys("0", "2");
    assertThat(stat.cpus().get("0"))
        .isEqualTo(new CpuTimes(5.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07));
    assertThat(stat.cpus().get("2").steal()).as("absent on old kernels").isZero();
    assertThat(stat.bootTimeSeconds()).isEqualTo(42);
  }

  @Test
  void readsEveryNetworkDeviceIncludingThoseWithoutAnAddress() throws IOException {
    FakeHost host = new FakeHost(dir).network("ifb0", 0, 0);
    // A device torn down between the listing and the read leaves an empty directory here.
    Files.createDirectories(host.sys.resolve("class/net/veth1234"));

    assertThat(reader(host).readNetworks()).containsOnlyKeys("lo", "eth0", "ifb0");
  }

  @Test
  void takesMachineFromOsArchOnKernelsWithoutProcSysKernelArch() throws IOException {
    FakeHost host = new FakeHost(dir);
    Files.delete(host.proc.resolve("sys/kernel/arch"));

    assertThat(reader(host).readUname(LinuxHostSampler.machine("amd64")).machine())
        .isEqualTo("x86_64");
  }
}
