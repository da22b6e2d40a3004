package org.dxscraper.scraper.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The file that says how far the database has committed: magic {@code DXJC}, version, the highest
 * sequence {@code S} such that every line up to {@code S} is stored or needed nothing, and a
 * CRC32C, 20 bytes in all. Written in place at offset 0 through a channel kept open, without an
 * fsync: the lines up to {@code S} are committed in PostgreSQL before {@code S} is written, so a
 * checkpoint that a power loss sets back (or tears, failing its CRC) only means replaying lines
 * already stored, which is safe because inserts are idempotent; a killed process loses nothing, the
 * page cache has the write. Each update used to be a new {@code checkpoint.tmp}, two fsyncs and a
 * rename, once a second on a writer thread under its gather lock (0.5-3 ms there on the development
 * machine, docs/BENCHMARKS.md); now it is one {@code pwrite}, which on a full disk also needs no
 * new block once the file has its first (unless the file system copies on write).
 */
final class JournalCheckpoint {
  static final String FILE = "checkpoint";

  /** What earlier builds left while replacing the file; deleted at open. */
  static final String TEMP = "checkpoint.tmp";

  /** What {@link #read} returns when there is no usable checkpoint: replay everything. */
  static final long NONE = 0;

  private static final int MAGIC = 0x434a5844; // "DXJC" read little-endian
  private static final int VERSION = 1;
  private static final int BYTES = 20;

  private final Path file;
  private FileChannel channel;
  private boolean closed;

  JournalCheckpoint(Path dir) {
    this.file = dir.resolve(FILE);
  }

  /** Thrown for a checkpoint file that exists but cannot be trusted. */
  static final class UnreadableException extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message);
    }
  }

  /**
   * The checkpointed sequence, {@link #NONE} when there is no file yet or it is empty (created, and
   * a power loss came before its first write reached the disk).
   *
   * @throws UnreadableException when the file is short, of another format or fails its checksum
   */
  static long read(Path dir) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(dir.resolve(FILE));
    } catch (NoSuchFileException e) {
      return NONE;
    }
    if (bytes.length == 0) {
      return NONE;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length != BYTES
        || in.getInt(0) != MAGIC
        || in.getInt(4) != VERSION
        || in.getInt(16) != crc(bytes)) {
      throw new UnreadableException(
          dir.resolve(FILE) + ": not a dx-scraper checkpoint (" + bytes.length + " bytes)");
    }
    return in.getLong(8);
  }

  /**
   * Records {@code seq}; opens (or creates) the file at the first call, and again after a failed
   * write (an interrupt closes a {@link FileChannel} for good). Does nothing after {@link
   * #close()}: a writer thread that outlived the stop must not reopen the file.
   */
  synchronized void write(long seq) throws IOException {
    if (closed) {
      return;
    }
    ByteBuffer out = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(MAGIC).putInt(VERSION).putLong(seq);
    out.putInt(crc(out.array()));
    out.flip();
    try {
      boolean opened = channel == null;
      if (opened) {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      }
      long at = 0;
      while (out.hasRemaining()) {
        at += channel.write(out, at);
      }
      if (opened) {
        // The file may have held more (damage, another format): cut it to what reads back.
        channel.truncate(BYTES);
      }
    } catch (IOException e) {
      FileChannel failed = channel;
      channel = null;
      if (failed != null) {
        try {
          failed.close();
        } catch (IOException alsoFailed) {
          e.addSuppressed(alsoFailed);
        }
      }
      throw e;
    }
  }

  /** Forces what was written (a clean stop leaves a checkpoint that survives a power loss). */
  synchronized void close() throws IOException {
    closed = true;
    if (channel != null) {
      try {
        channel.force(false);
      } finally {
        channel.close();
        channel = null;
      }
    }
  }

  /**
   * Makes a file's creation, rename or deletion in {@code dir} durable (fsync of the directory).
   */
  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 16);
    return (int) crc.getValue();
  }
}
