package org.dxscraper.scraper.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireTextTest {

  private static String decode(byte[] bytes) {
    return WireText.decode(bytes, 0, bytes.length);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Test
  void keepsTheWholeCharsOfACommentTheNodeCutInsideAChar() {
    // "Grüße aus München, schö" cut after the first byte of the ö, then the time.
    byte[] utf8 = "Grüße aus München, schö".getBytes(StandardCharsets.UTF_8);
    byte[] cut = new byte[utf8.length - 1];
    System.arraycopy(utf8, 0, cut, 0, cut.length);
    byte[] line = concat(cut, " 0113Z".getBytes(StandardCharsets.US_ASCII));

    assertThat(decode(line)).isEqualTo("Grüße aus München, sch\u00c3 0113Z");
  }

  @Test
  void readsALatin1LineAsLatin1EvenWithACutLookingByte() {
    byte[] line = "Grüße aus Köln ©".getBytes(StandardCharsets.ISO_8859_1);

    assertThat(decode(line)).isEqualTo("Grüße aus Köln ©");
  }

  @Test
  void readsValidUtf8AsUtf8AndAsciiAsIs() {
    assertThat(decode("café €".getBytes(StandardCharsets.UTF_8))).isEqualTo("café €");
    assertThat(decode("plain 0113Z".getBytes(StandardCharsets.US_ASCII))).isEqualTo("plain 0113Z");
  }

  @Test
  void aCutSequenceAloneMakesALatin1Line() {
    // No whole multi-byte char at all: nothing says this is UTF-8.
    byte[] line = {'a', (byte) 0xC3, ' ', 'b'};

    assertThat(decode(line)).isEqualTo("a\u00c3 b");
  }
}
