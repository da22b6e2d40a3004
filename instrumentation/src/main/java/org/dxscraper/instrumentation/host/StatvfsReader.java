package org.dxscraper.instrumentation.host;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.platform.linux.LibC;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code statvfs(3)} on mount points with a deadline, the way node_exporter guards against
 * stuck mounts: a call on a hung NFS server never returns, so each call runs on a thread of its own
 * and the sampler waits at most {@code timeout} for all of them together. A mount point whose call
 * has not returned is skipped (reported as unreadable) until it does, so a stuck mount costs one
 * parked thread, not one per sample, and never holds up the sampler thread, which may be shared
 * with other samplers.
 *
 * <p>{@link #readAll} is called from one thread at a time; the call threads are daemons.
 */
final class StatvfsReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatvfsReader.class);

  /** The native call, a seam for tests. */
  @FunctionalInterface
  interface Statvfs {
    Result stat(String path) throws IOException;
  }

  /** The fields node_exporter uses; sizes are in units of {@code blockSize} ({@code f_bsize}). */
  record Result(
      long blockSize, long blocks, long blocksFree, long blocksAvail, long files, long filesFree) {}

  private final Statvfs call;
  private final Duration timeout;
  private final ExecutorService threads;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  StatvfsReader(Duration timeout) {
    this(StatvfsReader::nativeStatvfs, timeout);
  }

  StatvfsReader(Statvfs call, Duration timeout) {
    this.call = Objects.requireNonNull(call, "call");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.threads =
        Executors.newCachedThreadPool(
            Thread.ofPlatform().name("host-statvfs-", 1).daemon().factory());
  }

  /**
   * {@code statvfs} of each mount point, empty for one whose call failed, did not return within the
   * timeout, or is still running from an earlier sample.
   *
   * @throws LinkageError when the native library cannot be loaded at all: a broken setup, not a
   *     broken file system
   */
  Map<String, Optional<Result>> readAll(Collection<String> mountPoints) {
    Map<String, CompletableFuture<Result>> calls = new LinkedHashMap<>();
    for (String mountPoint : mountPoints) {
      if (!inFlight.add(mountPoint)) {
        calls.put(mountPoint, null);
        continue;
      }
      CompletableFuture<Result> future =
          CompletableFuture.supplyAsync(() -> stat(mountPoint), threads);
      future.whenComplete((result, failure) -> inFlight.remove(mountPoint));
      calls.put(mountPoint, future);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Optional<Result>> results = new LinkedHashMap<>();
    for (Map.Entry<String, CompletableFuture<Result>> entry : calls.entrySet()) {
      results.put(entry.getKey(), await(entry.getKey(), entry.getValue(), deadline));
    }
    return results;
  }

  private Result stat(String mountPoint) {
    try {
      return call.stat(mountPoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<Result> await(
      String mountPoint, CompletableFuture<Result> future, long deadlineNanos) {
    if (future == null) {
      log.debug("host metrics: statvfs({}) still has not returned; skipped", mountPoint);
      return Optional.empty();
    }
    try {
      long left = Math.max(0, deadlineNanos - System.nanoTime());
      return Optional.of(future.get(left, TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      log.warn(
          "host metrics: statvfs({}) did not return within {}; the mount point is reported with"
              + " node_filesystem_device_error 1 until it does",
          mountPoint,
          timeout);
      future.whenComplete(
          (result, failure) ->
              log.info("host metrics: statvfs({}) returned again; monitoring resumes", mountPoint));
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LinkageError linkage) {
        throw linkage;
      }
      log.debug("host metrics: statvfs({}) failed: {}", mountPoint, e.getCause().toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }

  private static Result nativeStatvfs(String path) throws IOException {
    LibC.Statvfs buffer = new LibC.Statvfs();
    if (LibC.INSTANCE.statvfs(path, buffer) != 0) {
      throw new IOException("statvfs(" + path + ") failed with errno " + Native.getLastError());
    }
    return new Result(
        unsigned(buffer.f_bsize),
        unsigned(buffer.f_blocks),
        unsigned(buffer.f_bfree),
        unsigned(buffer.f_bavail),
        unsigned(buffer.f_files),
        unsigned(buffer.f_ffree));
  }

  /** statvfs' fields are C unsigned longs: 32 bits on a 32-bit ARM board, sign-extended by JNA. */
  private static long unsigned(NativeLong value) {
    return Native.LONG_SIZE == 4 ? value.longValue() & 0xFFFF_FFFFL : value.longValue();
  }
}
