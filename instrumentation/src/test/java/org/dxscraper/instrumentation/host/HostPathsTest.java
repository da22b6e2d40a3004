package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.dxscraper.instrumentation.host.HostSample.FileSystemKey;
import org.dxscraper.instrumentation.host.StatvfsReader.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The host's trees mounted somewhere else, as in a container with {@code /proc}, {@code /sys} and
 * {@code /} of the host under {@code /host}: the series come from those trees and the file systems
 * are measured under the root path but labelled with the host's mount points.
 */
class HostPathsTest {
  @TempDir Path dir;

  private final SampleFailures failures =
      new SampleFailures(
          LoggerFactory.getLogger(HostPathsTest.class),
          InstantSource.system(),
          Duration.ofMinutes(1));

  @Test
  void readsTheHostsTreesAndMeasuresItsFileSystemsUnderTheRootPath() {
    FakeHost host = new FakeHost(dir.resolve("host"));
    host.statvfs.clear();
    // What statvfs sees from inside the container: the host's / at /host, its /run at /host/run.
    host.statvfs.put("/host", new Result(4096, 1000, 400, 300, 500, 200));
    host.statvfs.put("/host/run", new Result(4096, 200, 190, 190, 1000, 900));
    HostPaths paths = new HostPaths(host.proc, host.sys, Path.of("/host"));

    HostSample sample;
    try (LinuxHostSampler sampler = host.sampler(HostMetricsConfig.defaults().withPaths(paths))) {
      sample = sampler.sample(HostSample.EMPTY, failures);
    }

    assertThat(sample.fileSystems())
        .containsOnlyKeys(
            new FileSystemKey("/dev/sda1", "/", "ext4"),
            new FileSystemKey("tmpfs", "/run", "tmpfs"));
    assertThat(sample.fileSystems().get(new FileSystemKey("/dev/sda1", "/", "ext4")).sizeBytes())
        .isEqualTo(4096.0 * 1000);
    assertThat(sample.uname().nodename()).isEqualTo("myhost");
    assertThat(sample.memory().totalBytes()).isEqualTo(8000000 * 1024.0);
  }

  @Test
  void mapsMountPointsUnderTheRoot() {
    HostPaths paths = new HostPaths(Path.of("/host/proc"), Path.of("/host/sys"), Path.of("/host"));

    assertThat(paths.underRoot("/")).isEqualTo(Path.of("/host"));
    assertThat(paths.underRoot("/var/lib")).isEqualTo(Path.of("/host/var/lib"));
    assertThat(HostPaths.DEFAULT.underRoot("/var")).isEqualTo(Path.of("/var"));
  }
}
