package org.dxscraper.instrumentation.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.dxscraper.instrumentation.host.StatvfsReader.Result;

/**
 * A host in a directory: /proc and /sys files written by the test, and statvfs answers from a map,
 * for a real {@link LinuxHostSampler} to read. Starts as a two-CPU machine with an ext4 root, a
 * tmpfs /run, lo and eth0.
 */
final class FakeHost {
  final Path proc;
  final Path sys;
  final Map<String, Result> statvfs = new ConcurrentHashMap<>();

  FakeHost(Path root) {
    this.proc = root.resolve("proc");
    this.sys = root.resolve("sys");
    meminfo(
        """
        MemTotal:        8000000 kB
        MemFree:         1000000 kB
        MemAvailable:    6000000 kB
        Buffers:           10000 kB
        SwapTotal:       2000000 kB
        SwapFree:        1500000 kB
        HugePages_Total:       0
        """);
    write(proc.resolve("loadavg"), "0.52 0.58 0.59 1/467 12345\n");
    write(
        proc.resolve("stat"),
        """
        cpu  300 20 100 9000 50 0 10 5 0 0
        cpu0 100 10 50 4500 25 0 5 2 0 0
        cpu1 200 10 50 4500 25 0 5 3 0 0
        intr 1234
        btime 1700000000
        """);
    mounts(
        "/dev/sda1 / ext4 rw,relatime 0 0",
        "proc /proc proc rw,nosuid 0 0",
        "tmpfs /run tmpfs rw,nosuid,size=800000k 0 0",
        "overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0");
    statvfs.put("/", new Result(4096, 1000, 400, 300, 500, 200));
    statvfs.put("/run", new Result(4096, 200, 190, 190, 1000, 900));
    network("lo", 1000, 1000);
    network("eth0", 5000, 7000);
    uname("myhost");
  }

  FakeHost meminfo(String text) {
    write(proc.resolve("meminfo"), text);
    return this;
  }

  FakeHost mounts(String... lines) {
    write(proc.resolve("1/mounts"), String.join("\n", lines) + "\n");
    return this;
  }

  FakeHost network(String device, long receiveBytes, long transmitBytes) {
    Path stats = sys.resolve("class/net").resolve(device).resolve("statistics");
    write(stats.resolve("rx_bytes"), receiveBytes + "\n");
    write(stats.resolve("tx_bytes"), transmitBytes + "\n");
    for (String name :
        new String[] {
          "rx_packets", "tx_packets", "rx_errors", "tx_errors", "rx_dropped", "tx_dropped"
        }) {
      write(stats.resolve(name), "0\n");
    }
    return this;
  }

  FakeHost removeNetwork(String device) {
    delete(sys.resolve("class/net").resolve(device));
    return this;
  }

  FakeHost uname(String hostname) {
    Path kernel = proc.resolve("sys/kernel");
    write(kernel.resolve("ostype"), "Linux\n");
    write(kernel.resolve("osrelease"), "6.1.0-test\n");
    write(kernel.resolve("version"), "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0\n");
    write(kernel.resolve("arch"), "x86_64\n");
    write(kernel.resolve("hostname"), hostname + "\n");
    write(kernel.resolve("domainname"), "(none)\n");
    return this;
  }

  void delete(Path path) {
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  LinuxHostSampler sampler() {
    return sampler(HostMetricsConfig.defaults());
  }

  LinuxHostSampler sampler(HostMetricsConfig config) {
    StatvfsReader reader =
        new StatvfsReader(
            path -> {
              Result result = statvfs.get(path);
              if (result == null) {
                throw new IOException("statvfs(" + path + "): ENOENT");
              }
              return result;
            },
            Duration.ofSeconds(5));
    return new LinuxHostSampler(config, new LinuxProcReader(proc, sys), reader);
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
