package org.dxscraper.instrumentation.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dxscraper.instrumentation.host.HostSample.CpuTimes;
import org.dxscraper.instrumentation.host.HostSample.Load;
import org.dxscraper.instrumentation.host.HostSample.Memory;
import org.dxscraper.instrumentation.host.HostSample.NetworkStats;
import org.dxscraper.instrumentation.host.HostSample.Uname;

/**
 * Reads the files node_exporter reads, and parses them as it does: /proc/loadavg, /proc/meminfo,
 * /proc/stat, the mount table, /sys/class/net and /proc/sys/kernel.
 *
 * <p>The roots are parameters so that tests can read a fixture tree. Not thread-safe; used on the
 * sampler thread only.
 */
final class LinuxProcReader {
  private final Path proc;
  private final Path sys;
  private boolean rootMountsUnreadable;

  /** A line of the mount table. */
  record MountEntry(String device, String mountPoint, String fsType, String options) {
    boolean readOnly() {
      return List.of(options.split(",")).contains("ro");
    }
  }

  LinuxProcReader(Path proc, Path sys) {
    this.proc = Objects.requireNonNull(proc, "proc");
    this.sys = Objects.requireNonNull(sys, "sys");
  }

  static LinuxProcReader system() {
    return new LinuxProcReader(Path.of("/proc"), Path.of("/sys"));
  }

  /**
   * Clock ticks per second in /proc/stat. The kernel reports USER_HZ, which is 100 on every Linux
   * ABI in use; node_exporter's procfs library hard-codes it the same way.
   */
  static final double USER_HZ = 100;

  private static final Pattern CPU_LINE = Pattern.compile("cpu(\\d+)");

  // String.split("\\s+") compiles the regex on every call: a sample splits about 100 lines, and
  // those compilations kept the JIT busy on an idle daemon (docs/BENCHMARKS.md, idle CPU).
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** What /proc/stat says about the CPUs and the boot. */
  record ProcStat(Map<String, CpuTimes> cpus, double bootTimeSeconds) {}

  /** The 1, 5 and 15 minute load averages. */
  Load readLoad() throws IOException {
    Path file = proc.resolve("loadavg");
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String[] fields = WHITESPACE.split(text.trim());
    try {
      return new Load(
          Double.parseDouble(fields[0]),
          Double.parseDouble(fields[1]),
          Double.parseDouble(fields[2]));
    } catch (RuntimeException e) {
      throw new IOException("unreadable " + file + ": " + text.strip(), e);
    }
  }

  /**
   * Per-CPU times in seconds, keyed by the number in the {@code cpuN} line (not by position: an
   * offline CPU has no line, and node_exporter labels by number), and {@code btime}.
   */
  ProcStat readStat() throws IOException {
    Path file = proc.resolve("stat");
    Map<String, CpuTimes> cpus = new HashMap<>();
    double bootTime = Double.NaN;
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      String[] fields = WHITESPACE.split(line);
      try {
        Matcher cpu = CPU_LINE.matcher(fields[0]);
        if (cpu.matches()) {
          cpus.put(cpu.group(1), cpuTimes(fields));
        } else if (fields[0].equals("btime")) {
          bootTime = Long.parseLong(fields[1]);
        }
      } catch (RuntimeException e) {
        throw new IOException("unreadable line in " + file + ": " + line, e);
      }
    }
    if (cpus.isEmpty()) {
      throw new IOException("no cpuN lines in " + file);
    }
    return new ProcStat(cpus, bootTime);
  }

  private static CpuTimes cpuTimes(String[] fields) {
    // user nice system idle iowait irq softirq steal [guest guest_nice]; kernels before 2.6.11
    // stop after softirq, which leaves steal at zero.
    double[] seconds = new double[8];
    for (int i = 0; i < seconds.length && i + 1 < fields.length; i++) {
      seconds[i] = Long.parseUnsignedLong(fields[i + 1]) / USER_HZ;
    }
    return new CpuTimes(
        seconds[0],
        seconds[1],
        seconds[2],
        seconds[3],
        seconds[4],
        seconds[5],
        seconds[6],
        seconds[7]);
  }

  /** MemTotal, MemAvailable, MemFree, SwapTotal and SwapFree in bytes; NaN where missing. */
  Memory readMemory() throws IOException {
    Path file = proc.resolve("meminfo");
    Map<String, Double> fields = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String[] value = WHITESPACE.split(line.substring(colon + 1).trim());
      try {
        double number = Long.parseLong(value[0]);
        // node_exporter multiplies the "kB" fields by 1024, as the kernel means KiB.
        boolean kibibytes = value.length > 1 && value[1].equals("kB");
        fields.put(line.substring(0, colon), kibibytes ? number * 1024 : number);
      } catch (NumberFormatException e) {
        throw new IOException("unreadable line in " + file + ": " + line, e);
      }
    }
    if (!fields.containsKey("MemTotal")) {
      throw new IOException("no MemTotal in " + file);
    }
    return new Memory(
        fields.get("MemTotal"),
        fields.getOrDefault("MemAvailable", Double.NaN),
        fields.getOrDefault("MemFree", Double.NaN),
        fields.getOrDefault("SwapTotal", Double.NaN),
        fields.getOrDefault("SwapFree", Double.NaN));
  }

  /**
   * The mount table of PID 1, as node_exporter reads it: the host's view when this process runs in
   * a chroot, and the container's in a container. Falls back to this process's table when PID 1's
   * is hidden (hidepid) or not readable.
   */
  List<MountEntry> readMounts() throws IOException {
    if (!rootMountsUnreadable) {
      try {
        return parseMounts(Files.readAllLines(proc.resolve("1/mounts"), StandardCharsets.UTF_8));
      } catch (IOException e) {
        rootMountsUnreadable = true;
      }
    }
    return parseMounts(Files.readAllLines(proc.resolve("self/mounts"), StandardCharsets.UTF_8));
  }

  static List<MountEntry> parseMounts(List<String> lines) throws IOException {
    List<MountEntry> mounts = new ArrayList<>(lines.size());
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = WHITESPACE.split(line.trim());
      if (fields.length < 4) {
        throw new IOException("malformed mount table line: " + line);
      }
      mounts.add(new MountEntry(fields[0], unescape(fields[1]), fields[2], fields[3]));
    }
    return mounts;
  }

  /**
   * The kernel writes space, tab, newline and backslash in a mount point as octal escapes ({@code
   * \040}); node_exporter decodes the first two, this all of them.
   */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  /**
   * The counters of every network device in this network namespace, from
   * /sys/class/net/DEV/statistics: the kernel's rtnl_link_stats64, which node_exporter reads over
   * netlink. A device that disappears while it is read is left out.
   */
  Map<String, NetworkStats> readNetworks() throws IOException {
    Map<String, NetworkStats> networks = new HashMap<>();
    try (DirectoryStream<Path> devices = Files.newDirectoryStream(sys.resolve("class/net"))) {
      for (Path device : devices) {
        Path stats = device.resolve("statistics");
        try {
          networks.put(
              device.getFileName().toString(),
              new NetworkStats(
                  readCounter(stats, "rx_bytes"),
                  readCounter(stats, "tx_bytes"),
                  readCounter(stats, "rx_packets"),
                  readCounter(stats, "tx_packets"),
                  readCounter(stats, "rx_errors"),
                  readCounter(stats, "tx_errors"),
                  readCounter(stats, "rx_dropped"),
                  readCounter(stats, "tx_dropped")));
        } catch (NoSuchFileException e) {
          // Unplugged (or a veth torn down) between the listing and the read: gone, not broken.
        }
      }
    }
    return networks;
  }

  private static double readCounter(Path dir, String name) throws IOException {
    String text = Files.readString(dir.resolve(name), StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseUnsignedLong(text);
    } catch (NumberFormatException e) {
      throw new IOException("not a counter in " + dir.resolve(name) + ": " + text, e);
    }
  }

  /**
   * uname(2) fields from /proc/sys/kernel. {@code arch} exists since Linux 6.1; older kernels get
   * {@code fallbackMachine}.
   */
  Uname readUname(String fallbackMachine) throws IOException {
    Path kernel = proc.resolve("sys/kernel");
    Path arch = kernel.resolve("arch");
    return new Uname(
        readLine(kernel.resolve("ostype")),
        readLine(kernel.resolve("osrelease")),
        readLine(kernel.resolve("version")),
        Files.exists(arch) ? readLine(arch) : fallbackMachine,
        readLine(kernel.resolve("hostname")),
        readLine(kernel.resolve("domainname")));
  }

  private static String readLine(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }
}
