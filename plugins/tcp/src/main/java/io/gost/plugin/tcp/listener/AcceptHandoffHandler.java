package io.gost.plugin.tcp.listener;

import io.gost.api.ListenContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only handler of a freshly accepted channel: on {@code channelActive} it removes itself and hands the
 * channel to the service's acceptor.
 *
 * <p>It waits for {@code channelActive} rather than acting in a {@code ChannelInitializer} so that the
 * acceptor receives a channel whose registration and activation events have already run: it is
 * registered, active, on its event loop, and its pipeline is empty, which is what a handler (and a
 * zero-copy relay) expects. The acceptor is therefore called on the channel's event loop.
 */
@Sharable
final class AcceptHandoffHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOGGER = LoggerFactory.getLogger(AcceptHandoffHandler.class);

    private final String ownerName;
    private final ListenContext.Acceptor acceptor;

    AcceptHandoffHandler(String ownerName, ListenContext.Acceptor acceptor) {
        this.ownerName = ownerName;
        this.acceptor = acceptor;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
        try {
            acceptor.accept(channel);
        } catch (RuntimeException e) {
            // The acceptor owns the channel, but it failed before it could look after it: do not leak it.
            LOGGER.warn("{}: the service failed to take the connection from {}; closing it",
                    ownerName, channel.remoteAddress(), e);
            channel.close();
        }
    }
}
