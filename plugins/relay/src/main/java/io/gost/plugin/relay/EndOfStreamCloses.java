package io.gost.plugin.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Closes a connection that carries an smux session when the peer ends its side: an smux session has no
 * half-close, so a FIN means the session is over. Without it a connection accepted with half-closure allowed (as
 * every listener here accepts them) stays half open, and a bound port with it, until the keepalive gives up.
 */
final class EndOfStreamCloses extends ChannelInboundHandlerAdapter {

    static final String NAME = "gost-relay-end-of-stream-closes";

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }
}
