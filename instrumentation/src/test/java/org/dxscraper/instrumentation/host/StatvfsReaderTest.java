package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dxscraper.instrumentation.host.StatvfsReader.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class StatvfsReaderTest {
  private static final Result SOME = new Result(4096, 10, 5, 4, 100, 50);

  @Test
  void stuckMountIsSkippedWithoutANewCallUntilItsCallReturns() throws Exception {
    CountDownLatch nfsServerBack = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    StatvfsReader.Statvfs hangingNfs =
        path -> {
          if (path.equals("/mnt/nfs")) {
            calls.incrementAndGet();
            try {
              nfsServerBack.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return SOME;
        };
    try (StatvfsReader reader = new StatvfsReader(hangingNfs, Duration.ofMillis(50))) {
      Map<String, Optional<Result>> first = reader.readAll(List.of("/", "/mnt/nfs"));
      assertThat(first.get("/")).contains(SOME);
      assertThat(first.get("/mnt/nfs")).isEmpty();

      Map<String, Optional<Result>> second = reader.readAll(List.of("/", "/mnt/nfs"));
      assertThat(second.get("/mnt/nfs")).isEmpty();
      assertThat(calls).as("no second thread parked on the same mount").hasValue(1);

      nfsServerBack.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      Optional<Result> recovered = Optional.empty();
      while (recovered.isEmpty() && System.nanoTime() < deadline) {
        recovered = reader.readAll(List.of("/mnt/nfs")).get("/mnt/nfs");
      }
      assertThat(recovered).contains(SOME);
    }
  }

  @Test
  void failedCallReportsTheMountAsUnreadable() {
    try (StatvfsReader reader =
        new StatvfsReader(
            path -> {
              throw new IOException("EACCES");
            },
            Duration.ofSeconds(1))) {
      assertThat(reader.readAll(List.of("/root/private")).get("/root/private")).isEmpty();
    }
  }

  @Test
  void missingNativeLibraryIsAnErrorOfTheSetupNotOfOneMount() {
    try (StatvfsReader reader =
        new StatvfsReader(
            path -> {
              throw new UnsatisfiedLinkError("no jnidispatch");
            },
            Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> reader.readAll(List.of("/")))
          .isInstanceOf(UnsatisfiedLinkError.class);
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void nativeStatvfsOfRootAgreesWithTheJdk() throws IOException {
    FileStore root = Files.getFileStore(Path.of("/"));
    try (StatvfsReader reader = new StatvfsReader(Duration.ofSeconds(5))) {
      Result result = reader.readAll(List.of("/")).get("/").orElseThrow();

      assertThat(result.blocks() * result.blockSize()).isEqualTo(root.getTotalSpace());
    }
  }
}
