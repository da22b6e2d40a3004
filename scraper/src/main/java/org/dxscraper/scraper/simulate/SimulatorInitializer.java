package org.dxscraper.scraper.simulate;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;

/**
 * Pipeline of one simulator client: command lines in, the session answers. Every client channel
 * joins the server's group, which closes them all on request.
 */
final class SimulatorInitializer extends ChannelInitializer<SocketChannel> {

  /** Commands are short; DXSpider has no use for longer lines either. */
  static final int MAX_COMMAND_LENGTH = 1024;

  private final SimulatorOptions options;
  private final SimulatorBroadcaster broadcaster;
  private final InstantSource clock;
  private final ChannelGroup clients;

  SimulatorInitializer(
      SimulatorOptions options,
      SimulatorBroadcaster broadcaster,
      InstantSource clock,
      ChannelGroup clients) {
    this.options = options;
    this.broadcaster = broadcaster;
    this.clock = clock;
    this.clients = clients;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    clients.add(channel); // leaves the group by itself when it closes
    channel
        .pipeline()
        .addLast("framer", new LineBasedFrameDecoder(MAX_COMMAND_LENGTH))
        .addLast("text", new StringDecoder(StandardCharsets.ISO_8859_1))
        .addLast("session", new SimulatorSessionHandler(options, broadcaster, clock));
  }
}
