package org.dxscraper.scraper.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes a piece of code allocates on the calling thread, with the JDK's per-thread
 * allocation counter. Not a timing: the count is the same on a slow or busy machine.
 */
final class Allocations {

  private static final int WARM_UP_RUNS = 20_000;
  private static final int MEASURED_RUNS = 10_000;

  // Results go here, so that the JIT cannot drop the work as dead code.
  private static volatile Object sink;

  private Allocations() {}

  /** Keeps {@code result} observable; call it with what the measured work returns. */
  static void consume(Object result) {
    sink = result;
  }

  /**
   * Runs {@code work} often enough for the JIT to compile it, then asserts that {@value
   * #MEASURED_RUNS} further runs allocate less than one byte per run: what remains is the
   * measurement's own overhead, not the work's.
   */
  static void assertNoneIn(Runnable work) {
    boolean counts =
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
            && t.isThreadAllocatedMemorySupported();
    assumeTrue(counts, "this JVM cannot count allocated bytes per thread");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
    for (int i = 0; i < WARM_UP_RUNS; i++) {
      work.run();
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < MEASURED_RUNS; i++) {
      work.run();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).as("bytes allocated by %d runs", MEASURED_RUNS).isLessThan(MEASURED_RUNS);
  }
}
