package org.dxscraper.scraper.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The runnable jar started as an operator starts it: a JVM of its own (the one running the tests,
 * so at least Java 21), no inherited {@code DX_SCRAPER_*} variables, stdout and stderr in files.
 */
public final class JarProcess {
  public static final Path JAR =
      Path.of(System.getProperty("dxscraper.jar", "target/dx-scraper.jar"));
  static final Path JVM_OPTIONS = Path.of("../jvm.options");

  private final Process process;
  private final Path out;
  private final Path err;

  private JarProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** What a finished run printed and returned. */
  public record Outcome(int exitCode, String out, String err) {}

  public static JarProcess start(Path workDir, Map<String, String> environment, String... args)
      throws IOException {
    assertThat(JAR).as("the shaded jar is built in the package phase").exists();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    // As the README, the image and the unit run it: the shipped heap must be enough for the tests.
    command.add("@" + JVM_OPTIONS.toAbsolutePath());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    long id = System.nanoTime();
    Path out = workDir.resolve("out-" + id);
    Path err = workDir.resolve("err-" + id);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("DX_SCRAPER_"));
    builder.environment().putAll(environment);
    return new JarProcess(builder.start(), out, err);
  }

  /** Starts, waits up to {@code seconds} for the end, and returns what it printed. */
  public static Outcome run(Path workDir, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return start(workDir, environment, args).awaitExit(120);
  }

  /** Sends SIGTERM, as systemd and docker stop do. */
  public void terminate() {
    process.destroy();
  }

  /** Sends SIGKILL: no shutdown hook runs, as after an OOM kill or {@code kill -9}. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("dx-scraper outlived SIGKILL for 30 s");
    }
  }

  public Process process() {
    return process;
  }

  /** What it printed to stderr so far, for a failure message: never throws. */
  public String stderrOrWhy() {
    try {
      return stderrSoFar();
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  public String stderrSoFar() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  public Outcome awaitExit(long seconds) throws IOException, InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("dx-scraper did not finish in " + seconds + " s:\n" + stderrSoFar());
    }
    // Not Files.readString: simulate prints its lines in ISO-8859-1, which is not always UTF-8.
    return new Outcome(
        process.exitValue(),
        new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
