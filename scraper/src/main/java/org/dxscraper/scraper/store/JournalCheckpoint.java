package org.dxscraper.scraper.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The file that says how far the database has committed: magic {@code DXJC}, version, the highest
 * sequence {@code S} such that every line up to {@code S} is stored or needed nothing, and a
 * CRC32C. Replaced atomically: written to {@code checkpoint.tmp}, forced, renamed over {@code
 * checkpoint}, directory forced. A lost update only means replaying more, which is safe because
 * inserts are idempotent.
 */
final class JournalCheckpoint {
  static final String FILE = "checkpoint";
  static final String TEMP = "checkpoint.tmp";

  /** What {@link #read} returns when there is no usable checkpoint: replay everything. */
  static final long NONE = 0;

  private static final int MAGIC = 0x434a5844; // "DXJC" read little-endian
  private static final int VERSION = 1;
  private static final int BYTES = 20;

  private JournalCheckpoint() {}

  /** Thrown for a checkpoint file that exists but cannot be trusted. */
  static final class UnreadableException extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message);
    }
  }

  /**
   * The checkpointed sequence, {@link #NONE} when there is no file yet.
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

  static void write(Path dir, long seq) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(MAGIC).putInt(VERSION).putLong(seq);
    out.putInt(crc(out.array()));
    out.flip();
    Path temp = dir.resolve(TEMP);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (out.hasRemaining()) {
        channel.write(out);
      }
      channel.force(false);
    }
    Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(dir);
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
