package org.dxscraper.scraper.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * How a line's bytes become text, the same way for the live connection ({@code LineFrameDecoder})
 * and for {@code dx-scraper parse}: nodes relay each spotter's comment bytes untouched, UTF-8 from
 * one and Latin-1 from the next, so each line is decoded on its own, as UTF-8 when it is
 * well-formed UTF-8 and as ISO-8859-1 otherwise, which maps every byte to one char and so never
 * loses or replaces one. Pure and thread-safe.
 */
public final class WireText {
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private WireText() {}

  /**
   * {@code bytes[offset, offset + length)} as UTF-8 when they are well-formed UTF-8 with a byte
   * above 0x7F, else as ISO-8859-1 (for ASCII both give the same string; Latin-1 is the cheaper).
   */
  public static String decode(byte[] bytes, int offset, int length) {
    // LineFrameDecoderBenchmark: 15.2 M lines/s (median) both with this check and with the plain
    // Latin-1 decoding it replaced; the 8-byte scan is lost in the copy every decoding makes.
    if (isAscii(bytes, offset, length)) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    if (isUtf8(bytes, offset, length)) {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
    return utf8WithCutSequencesOrLatin1(bytes, offset, length);
  }

  /**
   * A node cuts a comment at a byte count (DXSpider: 30 bytes, or the user's width), which can
   * split a UTF-8 char: {@code schö} becomes {@code sch C3} and the line is no longer valid UTF-8.
   * When every invalid byte is such a cut sequence (a lead byte, then fewer continuation bytes than
   * it announced) and the line has at least one whole multi-byte char, the whole chars are decoded
   * as UTF-8 and the cut bytes as ISO-8859-1 chars, so that nothing is lost and the rest of the
   * line still reads right. Any other invalid byte means a Latin-1 line: all of it as ISO-8859-1.
   */
  private static String utf8WithCutSequencesOrLatin1(byte[] bytes, int offset, int length) {
    int end = offset + length;
    boolean wholeMultiByte = false;
    for (int i = offset; i < end; ) {
      int size = sequenceLength(bytes, i, end);
      if (size > 1) {
        wholeMultiByte = true;
        i += size;
      } else if (size == 1) {
        i++;
      } else if (size < 0) {
        i += -size; // a cut sequence: its lead byte and the continuation bytes it had
      } else {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
      }
    }
    if (!wholeMultiByte) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    StringBuilder text = new StringBuilder(length);
    for (int i = offset; i < end; ) {
      int size = sequenceLength(bytes, i, end);
      if (size > 1) {
        text.append(new String(bytes, i, size, StandardCharsets.UTF_8));
        i += size;
      } else if (size == 1) {
        text.append((char) bytes[i++]);
      } else {
        for (int k = 0; k < -size; k++) {
          text.append((char) (bytes[i++] & 0xFF));
        }
      }
    }
    return text.toString();
  }

  /**
   * At {@code i}: 1 for an ASCII byte, n for a whole n-byte UTF-8 sequence, -k for a sequence cut
   * after k bytes (a valid lead byte and k - 1 valid continuation bytes, then a byte that cannot
   * continue it, or the end), 0 for a byte that starts no sequence at all.
   */
  private static int sequenceLength(byte[] bytes, int i, int end) {
    int b0 = bytes[i] & 0xFF;
    if (b0 < 0x80) {
      return 1;
    }
    int continuation;
    int min = 0x80;
    int max = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      continuation = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      continuation = 2;
      min = b0 == 0xE0 ? 0xA0 : 0x80;
      max = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      continuation = 3;
      min = b0 == 0xF0 ? 0x90 : 0x80;
      max = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
      return 0;
    }
    for (int k = 1; k <= continuation; k++) {
      if (i + k >= end) {
        return -k;
      }
      int b = bytes[i + k] & 0xFF;
      boolean fits = k == 1 ? b >= min && b <= max : (b & 0xC0) == 0x80;
      if (!fits) {
        return -k;
      }
    }
    return continuation + 1;
  }

  /** True when no byte in the range is above 0x7F; reads 8 bytes at a time. */
  public static boolean isAscii(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      if (((long) LONGS.get(bytes, i) & HIGH_BITS) != 0) {
        return false;
      }
    }
    for (; i < end; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when the range is well-formed UTF-8 as the Unicode standard defines it (table 3-7): no
   * overlong forms, no surrogates, nothing above U+10FFFF, no cut sequence. Exactly the input that
   * {@code new String(bytes, UTF_8)} decodes without a replacement char.
   */
  public static boolean isUtf8(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int b0 = bytes[i] & 0xFF;
      if (b0 < 0x80) {
        i++;
        continue;
      }
      int continuation;
      int min = 0x80;
      int max = 0xBF;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        continuation = 1;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        continuation = 2;
        if (b0 == 0xE0) {
          min = 0xA0; // below: overlong
        } else if (b0 == 0xED) {
          max = 0x9F; // above: UTF-16 surrogates
        }
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        continuation = 3;
        if (b0 == 0xF0) {
          min = 0x90; // below: overlong
        } else if (b0 == 0xF4) {
          max = 0x8F; // above: beyond U+10FFFF
        }
      } else {
        return false; // a continuation byte first, C0/C1 (overlong) or F5..FF (never UTF-8)
      }
      if (i + continuation >= end) {
        return false;
      }
      int b1 = bytes[i + 1] & 0xFF;
      if (b1 < min || b1 > max) {
        return false;
      }
      for (int k = 2; k <= continuation; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += continuation + 1;
    }
    return true;
  }
}
