package org.dxscraper.instrumentation.host;

import java.io.IOException;
import oshi.SystemInfo;
import oshi.util.PlatformEnum;

/**
 * Reads the host into a {@link HostSample}.
 *
 * <p>Called by {@link HostMetrics} on the sampler thread, one call at a time; implementations need
 * no locking of their own but must not be shared between two {@link HostMetrics}.
 */
interface HostSampler extends AutoCloseable {

  /**
   * Reads the host now. A part that cannot be read (memory, file systems, ...) keeps its value from
   * {@code previous} and is reported to {@code failures}; a part that can is reported as succeeded.
   * Does not throw for a failed read, and blocks at most about the configured mount timeout longer
   * than the reads themselves take.
   */
  HostSample sample(HostSample previous, SampleFailures failures);

  /** Where the values come from, for the start-up log line. */
  String source();

  /** Releases threads; {@link #sample} is not called afterwards. */
  @Override
  void close();

  /**
   * On Linux, node_exporter's own sources ({@link LinuxHostSampler}); elsewhere OSHI's portable
   * view ({@link OshiHostSampler}), under the same names but with the platform's meanings.
   */
  static HostSampler forThisHost(HostMetricsConfig config) {
    if (PlatformEnum.getCurrentPlatform() == PlatformEnum.LINUX) {
      return new LinuxHostSampler(
          config,
          new LinuxProcReader(config.paths().procfs(), config.paths().sysfs()),
          new StatvfsReader(config.mountTimeout()));
    }
    return new OshiHostSampler(config, new SystemInfo());
  }

  /** One part of a sample, read from the host. */
  @FunctionalInterface
  interface PartReader<T> {
    T read() throws IOException;
  }

  /**
   * {@code reader}'s value, or {@code previous} when it fails. Catches linkage errors too: a native
   * library that cannot be loaded must not end the sampling schedule.
   */
  static <T> T readPart(String part, PartReader<T> reader, T previous, SampleFailures failures) {
    try {
      T value = reader.read();
      failures.succeeded(part);
      return value;
    } catch (IOException | RuntimeException | LinkageError e) {
      failures.failed(part, e);
      return previous;
    }
  }
}
