package org.dxscraper.scraper.store;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The embedded PostgreSQL's binaries, unpacked from the jar before the library (zonky's {@code
 * EmbeddedPostgres}) looks for them, in the directory and with the marker it looks for, so that it
 * finds them ready and does not unpack them itself.
 *
 * <p>Why: the library reads the whole archive into the heap and then every file of it into an array
 * of its own, all in flight at once: about 100 MB of heap on a machine where the binaries are not
 * yet unpacked (a fresh machine, a new container, a systemd service with its own {@code /tmp}),
 * where {@code jvm.options} gives the daemon 48 MB. The daemon then died of {@code
 * OutOfMemoryError} at its first start. Unpacking here streams: the xz decoder's 8 MiB dictionary
 * and a copy buffer. The library still reads the archive once a start to name the directory by its
 * MD5, about 15 MB that the next collection frees.
 *
 * <p>The layout is the library's (2.x): {@code WORKING_DIR/PG-<md5 of the archive>/} with an empty
 * {@code .exists} newer than every file beside it. The archive is unpacked into a temporary sibling
 * and renamed into place, under a file lock, so that a second daemon or a killed first one never
 * leaves or sees half of it; a directory the library left half-unpacked (after an out-of-memory
 * exit) is moved aside and replaced, and what a killed unpacking left is removed at the next one.
 *
 * <p>The working directory is {@code java.io.tmpdir/dx-scraper-USER/embedded-pg}, under a parent of
 * mode 0700 that must belong to this user: the library's default, {@code /tmp/embedded-pg}, is
 * shared and made world-writable by the library at every start, so another local user could have
 * put a {@code bin/postgres} of their own there for the daemon to run.
 */
final class EmbeddedBinaries implements PgBinaryResolver {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedBinaries.class);
  private static final String MARKER = ".exists";

  /** The library's own lock inside the directory, held while it unpacks there. */
  private static final String LIBRARY_LOCK = "epg-lock";

  private static final String UNPACKING = ".unpacking-";
  private static final String STALE = ".stale-";

  private final String resource;

  private EmbeddedBinaries(String resource) {
    this.resource = resource;
  }

  /** The binaries for this machine's processor, as the jar names them. */
  static EmbeddedBinaries forThisMachine() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String name =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "arm_64";
          default -> arch;
        };
    return new EmbeddedBinaries("postgres-linux-" + name + ".txz");
  }

  /** This user's own place for the binaries (see the class comment). */
  static Path defaultWorkingDirectory() {
    return Path.of(
        System.getProperty("java.io.tmpdir"),
        "dx-scraper-" + System.getProperty("user.name"),
        "embedded-pg");
  }

  @Override
  public InputStream getPgBinary(String system, String machineHardware) throws IOException {
    InputStream in = EmbeddedBinaries.class.getResourceAsStream("/" + resource);
    if (in == null) {
      throw noBinaries(system, machineHardware);
    }
    return in;
  }

  /** The caller ({@link Database}) adds what to do instead: --db-url. */
  private static IOException noBinaries(String system, String machineHardware) {
    return new IOException(
        "this jar has no embedded PostgreSQL for "
            + system
            + " on "
            + machineHardware
            + " (only Linux on x86-64 and arm64)");
  }

  /**
   * Unpacks the binaries under {@code workingDirectory} unless they are there already, and returns
   * their directory.
   *
   * @throws IOException when this jar has no binaries for this machine, when the working
   *     directory's parent is not this user's own, or when unpacking fails
   */
  Path prepare(Path workingDirectory) throws IOException {
    String os = System.getProperty("os.name", "");
    if (!os.equals("Linux") || EmbeddedBinaries.class.getResource("/" + resource) == null) {
      throw noBinaries(os, System.getProperty("os.arch"));
    }
    requirePrivate(workingDirectory.toAbsolutePath().getParent());
    Files.createDirectories(workingDirectory);
    Path target = workingDirectory.resolve("PG-" + md5());
    if (ready(target)) {
      return target;
    }
    Path lockFile = workingDirectory.resolve(target.getFileName() + ".dx-scraper-lock");
    // The lock keeps two processes apart; a JVM may not take one file's lock twice, so threads of
    // one JVM (the tests' databases) queue on the class first.
    synchronized (EmbeddedBinaries.class) {
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        // Released when the channel closes.
        channel.lock();
        if (!ready(target)) {
          removeLeftovers(target);
          unpack(target);
        }
      }
    }
    return target;
  }

  /**
   * Makes {@code home} a directory of this user's that nobody else may enter, or refuses one that
   * someone else owns or may write: whoever can write there can choose the binaries we run.
   */
  private static void requirePrivate(Path home) throws IOException {
    try {
      Files.createDirectories(
          home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // Not a directory: the checks below say so.
    }
    // Who this process is, as the file system names it: a container's user without a passwd
    // entry has no user.name to compare with, but owns what it creates.
    Path probe = Files.createTempFile(home.getParent(), "dx-scraper-owner-", "");
    String user;
    try {
      user = Files.getOwner(probe).getName();
    } finally {
      Files.delete(probe);
    }
    String owner = Files.getOwner(home, LinkOption.NOFOLLOW_LINKS).getName();
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(home, LinkOption.NOFOLLOW_LINKS);
    if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)
        || !owner.equals(user)
        || mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(
          home
              + " is not a directory of "
              + user
              + "'s that only they may write (owner "
              + owner
              + ", mode "
              + PosixFilePermissions.toString(mode)
              + "): remove it, and the embedded PostgreSQL's binaries are unpacked there anew");
    }
  }

  /** What a killed unpacking or an earlier replacement left beside {@code target}. */
  private static void removeLeftovers(Path target) throws IOException {
    String prefix = target.getFileName().toString();
    try (Stream<Path> siblings = Files.list(target.getParent())) {
      for (Path sibling : siblings.toList()) {
        String name = sibling.getFileName().toString();
        if (name.startsWith(prefix + UNPACKING) || name.startsWith(prefix + STALE)) {
          deleteTree(sibling);
        }
      }
    }
  }

  private void unpack(Path target) throws IOException {
    long started = System.nanoTime();
    Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + UNPACKING);
    try {
      try (InputStream raw = getPgBinary("Linux", System.getProperty("os.arch"));
          TarArchiveInputStream tar =
              new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(raw)))) {
        for (TarArchiveEntry entry = tar.getNextEntry();
            entry != null;
            entry = tar.getNextEntry()) {
          write(staging, tar, entry);
        }
      }
      // Last, so that it is newer than every file: the library's test of a finished unpacking.
      Files.createFile(staging.resolve(MARKER));
      Path stale = null;
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        // Half unpacked by the library itself (it died of OutOfMemoryError before this fix, or
        // was killed), or the library unpacking it right now in another process: wait for its
        // lock, then move what is there aside in one step, so that a server that might run from
        // it keeps its files until it stops.
        stale = Files.createTempDirectory(target.getParent(), target.getFileName() + STALE);
        try (FileChannel libraryLock =
            FileChannel.open(
                target.resolve(LIBRARY_LOCK),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
          libraryLock.lock();
          if (ready(target)) {
            // Finished by the library in another process while this one unpacked.
            Files.delete(stale);
            return;
          }
          log.info("embedded PostgreSQL: replacing the unfinished binaries at {}", target);
          Files.move(target, stale.resolve("old"), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      if (stale != null) {
        try {
          deleteTree(stale);
        } catch (IOException e) {
          log.debug(
              "embedded PostgreSQL: {} stays until the next unpacking: {}", stale, e.toString());
        }
      }
      // The library also wants the directory no newer than the marker: touch it after the rename.
      Files.setLastModifiedTime(
          target.resolve(MARKER), FileTime.fromMillis(System.currentTimeMillis()));
    } finally {
      if (Files.exists(staging)) {
        deleteTree(staging);
      }
    }
    log.info(
        "embedded PostgreSQL: binaries unpacked to {} in {} ms",
        target,
        (System.nanoTime() - started) / 1_000_000);
  }

  private static void write(Path root, TarArchiveInputStream tar, TarArchiveEntry entry)
      throws IOException {
    Path path = root.resolve(entry.getName()).normalize();
    if (!path.startsWith(root)) {
      throw new IOException(
          "the embedded PostgreSQL archive has an entry outside its root: " + entry.getName());
    }
    if (entry.isDirectory()) {
      Files.createDirectories(path);
      return;
    }
    Files.createDirectories(path.getParent());
    if (entry.isSymbolicLink() || entry.isLink()) {
      // As the library does: a link's target is relative to the link (lib/libicu*.so.60 and
      // friends).
      Path link = Path.of(entry.getLinkName());
      if (link.isAbsolute() || !path.getParent().resolve(link).normalize().startsWith(root)) {
        throw new IOException(
            "the embedded PostgreSQL archive has a link outside its root: "
                + entry.getName()
                + " -> "
                + entry.getLinkName());
      }
      Files.deleteIfExists(path);
      Files.createSymbolicLink(path, link);
      return;
    }
    if (!entry.isFile()) {
      throw new IOException(
          "the embedded PostgreSQL archive has an entry of an unknown kind: " + entry.getName());
    }
    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
  }

  /** The entry's mode, and always readable and writable by the owner. */
  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }

  /**
   * The library's test: the marker exists, nothing beside it is newer, and the directory is at most
   * 100 ms newer.
   */
  private static boolean ready(Path dir) throws IOException {
    Path marker = dir.resolve(MARKER);
    if (!Files.isRegularFile(marker)) {
      return false;
    }
    long markedAt = Files.getLastModifiedTime(marker).toMillis();
    if (Files.getLastModifiedTime(dir).toMillis() - 100 > markedAt) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      // The library reads a directory with nothing but its marker as not ready, and unpacks.
      List<Path> entries = files.filter(path -> !path.equals(marker)).toList();
      return !entries.isEmpty()
          && entries.stream()
              .allMatch(
                  path -> {
                    try {
                      return Files.getLastModifiedTime(path).toMillis() <= markedAt;
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The archive's MD5, streamed: the library names the directory after it. */
  private String md5() throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
    try (InputStream in = new DigestInputStream(getPgBinary("Linux", "any"), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
