package org.dxscraper.instrumentation.host;

import static org.dxscraper.instrumentation.host.HostSampler.readPart;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dxscraper.instrumentation.host.HostSample.CpuTimes;
import org.dxscraper.instrumentation.host.HostSample.FileSystemKey;
import org.dxscraper.instrumentation.host.HostSample.FileSystemStats;
import org.dxscraper.instrumentation.host.HostSample.Load;
import org.dxscraper.instrumentation.host.HostSample.Memory;
import org.dxscraper.instrumentation.host.HostSample.NetworkStats;
import org.dxscraper.instrumentation.host.HostSample.Uname;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;
import oshi.hardware.NetworkIF;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/**
 * Samples a host that is not Linux (a developer's macOS or Windows machine) through OSHI. The names
 * are node_exporter's Linux names; the values are the nearest OSHI has: {@code MemFree} and
 * transmit drops are NaN, Windows has no load average (NaN), and uname's fields come from the JVM.
 * Works on Linux too, which is how it is tested.
 */
final class OshiHostSampler implements HostSampler {
  private final HostMetricsConfig config;
  private final SystemInfo system;
  private final CpuCounterGuard cpuGuard = new CpuCounterGuard();

  OshiHostSampler(HostMetricsConfig config, SystemInfo system) {
    this.config = Objects.requireNonNull(config, "config");
    this.system = Objects.requireNonNull(system, "system");
  }

  @Override
  public String source() {
    return "OSHI (not Linux: node_exporter's names, the platform's nearest values)";
  }

  @Override
  public HostSample sample(HostSample previous, SampleFailures failures) {
    // OSHI memoizes its hardware and OS objects, so asking for them per sample costs nothing.
    return new HostSample(
        readPart("load average", this::readLoad, previous.load(), failures),
        readPart("memory", this::readMemory, previous.memory(), failures),
        readPart("cpu times", this::readCpus, previous.cpus(), failures),
        readPart("file systems", this::readFileSystems, previous.fileSystems(), failures),
        readPart("network devices", this::readNetworks, previous.networks(), failures),
        readPart(
            "boot time",
            () -> (double) system.getOperatingSystem().getSystemBootTime(),
            previous.bootTimeSeconds(),
            failures),
        readPart("uname", this::readUname, previous.uname(), failures));
  }

  private Load readLoad() {
    double[] load = system.getHardware().getProcessor().getSystemLoadAverage(3);
    // OSHI answers negative where the platform has no load average.
    return new Load(orNaN(load[0]), orNaN(load[1]), orNaN(load[2]));
  }

  private static double orNaN(double value) {
    return value < 0 ? Double.NaN : value;
  }

  private Memory readMemory() {
    GlobalMemory memory = system.getHardware().getMemory();
    VirtualMemory swap = memory.getVirtualMemory();
    return new Memory(
        memory.getTotal(),
        memory.getAvailable(),
        Double.NaN,
        swap.getSwapTotal(),
        swap.getSwapTotal() - swap.getSwapUsed());
  }

  private Map<String, CpuTimes> readCpus() {
    // Milliseconds per CPU, indexed by position.
    long[][] ticks = system.getHardware().getProcessor().getProcessorCpuLoadTicks();
    Map<String, CpuTimes> cpus = new HashMap<>();
    for (int cpu = 0; cpu < ticks.length; cpu++) {
      long[] t = ticks[cpu];
      cpus.put(
          Integer.toString(cpu),
          new CpuTimes(
              seconds(t, TickType.USER),
              seconds(t, TickType.NICE),
              seconds(t, TickType.SYSTEM),
              seconds(t, TickType.IDLE),
              seconds(t, TickType.IOWAIT),
              seconds(t, TickType.IRQ),
              seconds(t, TickType.SOFTIRQ),
              seconds(t, TickType.STEAL)));
    }
    return cpuGuard.update(cpus);
  }

  private static double seconds(long[] ticks, TickType type) {
    return ticks[type.getIndex()] / 1000.0;
  }

  private Map<FileSystemKey, FileSystemStats> readFileSystems() {
    Map<FileSystemKey, FileSystemStats> fileSystems = new LinkedHashMap<>();
    for (OSFileStore store : system.getOperatingSystem().getFileSystem().getFileStores()) {
      if (!config.keepsFileSystem(store.getMount(), store.getType())) {
        continue;
      }
      fileSystems.putIfAbsent(
          new FileSystemKey(store.getVolume(), store.getMount(), store.getType()),
          new FileSystemStats(
              store.getTotalSpace(),
              store.getFreeSpace(),
              store.getUsableSpace(),
              store.getTotalInodes(),
              store.getFreeInodes(),
              List.of(Objects.requireNonNullElse(store.getOptions(), "").split(",")).contains("ro"),
              false));
    }
    return fileSystems;
  }

  private Map<String, NetworkStats> readNetworks() {
    Map<String, NetworkStats> networks = new HashMap<>();
    for (NetworkIF nic : system.getHardware().getNetworkIFs(true)) {
      networks.put(
          nic.getName(),
          new NetworkStats(
              nic.getBytesRecv(),
              nic.getBytesSent(),
              nic.getPacketsRecv(),
              nic.getPacketsSent(),
              nic.getInErrors(),
              nic.getOutErrors(),
              nic.getInDrops(),
              Double.NaN));
    }
    return networks;
  }

  private Uname readUname() {
    OperatingSystem os = system.getOperatingSystem();
    return new Uname(
        System.getProperty("os.name", ""),
        System.getProperty("os.version", ""),
        Objects.requireNonNullElse(os.getVersionInfo().getBuildNumber(), ""),
        LinuxHostSampler.machine(System.getProperty("os.arch", "")),
        Objects.requireNonNullElse(os.getNetworkParams().getHostName(), ""),
        Objects.requireNonNullElse(os.getNetworkParams().getDomainName(), ""));
  }

  @Override
  public void close() {
    // OSHI holds no threads.
  }
}
