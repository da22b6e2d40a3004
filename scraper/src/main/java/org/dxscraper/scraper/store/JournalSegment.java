package org.dxscraper.scraper.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * One journal file: its name, header and frames (docs/JOURNAL.md, "Record format").
 *
 * <pre>
 *   header, 32 bytes: "DXJ1" | u32 version | u64 first sequence | i64 created (µs) | u32 0 | u32 CRC32C
 *   frame:            u32 body length | u32 CRC32C of body | body
 *   body:             u64 sequence | i64 received (µs since the epoch) | u8 node length | node (UTF-8)
 *                     | the line as decoded, in UTF-8
 * </pre>
 *
 * Little-endian throughout. The line is stored as the text the framer decoded (UTF-8 when its bytes
 * were well-formed UTF-8, else ISO-8859-1): decoding is deterministic, so the stored text is the
 * text the parser saw, and a replay makes rows equal to the first attempt's.
 *
 * <p>Size and position fields are written by the event loop and read by other threads, hence
 * volatile; the file itself is only appended to by the event loop.
 */
final class JournalSegment {
  static final int HEADER_BYTES = 32;
  static final int FRAME_OVERHEAD = 8;
  static final int BODY_FIXED = 8 + 8 + 1;

  /** Longest body a reader accepts: far above any line the framer lets through (8 KiB). */
  static final int MAX_BODY = 1 << 20;

  private static final int MAGIC = 0x314a5844; // "DXJ1" read little-endian
  private static final int VERSION = 1;
  private static final String SUFFIX = ".seg";

  final long number;
  final Path path;
  final long firstSeq;

  /** Highest sequence written to this segment; firstSeq - 1 while empty. */
  volatile long lastSeq;

  /** Bytes of whole, readable frames plus the header: where the next frame goes. */
  volatile long size;

  /** {@link #size} at the last fsync; the sync thread's own. */
  long syncedSize;

  /** Open for appending while this is the current segment; null for segments read at start. */
  FileChannel channel;

  JournalSegment(long number, Path path, long firstSeq, long lastSeq, long size) {
    this.number = number;
    this.path = path;
    this.firstSeq = firstSeq;
    this.lastSeq = lastSeq;
    this.size = size;
  }

  boolean isEmpty() {
    return lastSeq < firstSeq;
  }

  static String fileName(long number) {
    return String.format("%020d%s", number, SUFFIX);
  }

  /** The number of a segment file name, or -1 for any other file. */
  static long numberOf(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(name, 0, 20, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Creates a new, empty segment file and writes its header; the caller owns the channel. */
  static JournalSegment create(Path dir, long number, long firstSeq, Instant now)
      throws IOException {
    Path path = dir.resolve(fileName(number));
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(MAGIC).putInt(VERSION).putLong(firstSeq).putLong(micros(now)).putInt(0);
      header.putInt(crc(header.array(), 0, HEADER_BYTES - 4));
      header.flip();
      while (header.hasRemaining()) {
        channel.write(header);
      }
    } catch (IOException | RuntimeException e) {
      // A file without a whole header (a full disk) must not block the next attempt's CREATE_NEW.
      channel.close();
      Files.deleteIfExists(path);
      throw e;
    }
    JournalSegment segment = new JournalSegment(number, path, firstSeq, firstSeq - 1, HEADER_BYTES);
    segment.channel = channel;
    return segment;
  }

  /**
   * Reads the header: the segment's first sequence, or -1 when the header is short, of another
   * format or fails its checksum.
   */
  static long readHeader(FileChannel channel) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    while (header.hasRemaining()) {
      if (channel.read(header, header.position()) < 0) {
        return -1;
      }
    }
    header.flip();
    if (header.getInt(0) != MAGIC
        || header.getInt(4) != VERSION
        || header.getInt(HEADER_BYTES - 4) != crc(header.array(), 0, HEADER_BYTES - 4)) {
      return -1;
    }
    return header.getLong(8);
  }

  /** Bytes one record takes in a segment. */
  static int frameBytes(byte[] node, byte[] line) {
    return FRAME_OVERHEAD + BODY_FIXED + node.length + line.length;
  }

  /** Puts one frame into {@code out}, which must have room for {@link #frameBytes}. */
  static void encode(ByteBuffer out, long seq, Instant receivedAt, byte[] node, byte[] line) {
    int start = out.position();
    int body = BODY_FIXED + node.length + line.length;
    out.putInt(body).putInt(0); // CRC filled in below, once the body is in place
    out.putLong(seq).putLong(micros(receivedAt)).put((byte) node.length).put(node).put(line);
    CRC32C crc = new CRC32C();
    crc.update(
        out.duplicate().position(start + FRAME_OVERHEAD).limit(start + FRAME_OVERHEAD + body));
    out.putInt(start + 4, (int) crc.getValue());
  }

  /**
   * Decodes the frame at the buffer's position when it is whole and its checksum holds, advancing
   * the position past it; returns null, position unchanged, when fewer bytes than a whole frame
   * remain ({@link #needsMore}) or the frame is damaged.
   */
  static JournalRecord decode(ByteBuffer in) {
    int start = in.position();
    if (in.remaining() < FRAME_OVERHEAD) {
      return null;
    }
    int body = in.getInt(start);
    if (body < BODY_FIXED || body > MAX_BODY || in.remaining() < FRAME_OVERHEAD + body) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(
        in.duplicate().position(start + FRAME_OVERHEAD).limit(start + FRAME_OVERHEAD + body));
    if ((int) crc.getValue() != in.getInt(start + 4)) {
      return null;
    }
    int p = start + FRAME_OVERHEAD;
    long seq = in.getLong(p);
    long micros = in.getLong(p + 8);
    int nodeLength = Byte.toUnsignedInt(in.get(p + 16));
    if (BODY_FIXED + nodeLength > body) {
      return null;
    }
    byte[] node = new byte[nodeLength];
    in.get(p + BODY_FIXED, node);
    byte[] line = new byte[body - BODY_FIXED - nodeLength];
    in.get(p + BODY_FIXED + nodeLength, line);
    in.position(start + FRAME_OVERHEAD + body);
    return new JournalRecord(
        seq,
        new String(node, StandardCharsets.UTF_8),
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L),
        new String(line, StandardCharsets.UTF_8));
  }

  /**
   * True when the bytes at the position could be the start of a whole frame that the buffer cuts
   * off: read more before judging it damaged.
   */
  static boolean needsMore(ByteBuffer in) {
    if (in.remaining() < FRAME_OVERHEAD) {
      return true;
    }
    int body = in.getInt(in.position());
    return body >= BODY_FIXED && body <= MAX_BODY && in.remaining() < FRAME_OVERHEAD + body;
  }

  static long micros(Instant time) {
    return Math.addExact(
        Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
  }

  private static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  @Override
  public String toString() {
    return path.getFileName() + " (sequences " + firstSeq + ".." + lastSeq + ", " + size + " B)";
  }
}
