package io.gost.plugin.socks.v5;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Closes a connection that carries an smux session (MBIND's) when the peer ends its side: an smux session has no
 * half-close, so a FIN means the session is over. Without it a connection accepted or dialed with half-closure
 * allowed (as every listener and dialer here makes them) stays half open, and the port bound with it stays open on
 * the hop, until smux's keepalive gives up (30 s), so a reverse port closed on one side could not be opened again
 * elsewhere meanwhile.
 */
@ChannelHandler.Sharable
public final class EndOfStreamCloses extends ChannelInboundHandlerAdapter {

    public static final EndOfStreamCloses INSTANCE = new EndOfStreamCloses();
    public static final String NAME = "gost-socks5-end-of-stream-closes";

    private EndOfStreamCloses() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }
}
