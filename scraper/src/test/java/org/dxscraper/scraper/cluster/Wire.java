package org.dxscraper.scraper.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Bytes in and out of an {@link EmbeddedChannel}, for the decoder and session tests. */
final class Wire {

  private Wire() {}

  /** Text as ISO-8859-1 bytes: one byte per char, like the nodes send it. */
  static ByteBuf text(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }

  static ByteBuf bytes(int... values) {
    ByteBuf buf = Unpooled.buffer(values.length);
    for (int value : values) {
      buf.writeByte(value);
    }
    return buf;
  }

  /** Everything the handlers wrote to the socket so far, as ISO-8859-1 text. */
  static String written(EmbeddedChannel channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      byte[] chunk = new byte[buf.readableBytes()];
      buf.readBytes(chunk);
      buf.release();
      out.writeBytes(chunk);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Every message that left the pipeline's inbound end so far. */
  static List<Object> received(EmbeddedChannel channel) {
    List<Object> messages = new ArrayList<>();
    for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
      messages.add(msg);
    }
    return messages;
  }

  /** The data bytes that passed a byte-level handler, concatenated, as ISO-8859-1 text. */
  static String receivedBytes(EmbeddedChannel channel) {
    StringBuilder text = new StringBuilder();
    for (Object msg : received(channel)) {
      ByteBuf buf = (ByteBuf) msg;
      text.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return text.toString();
  }
}
