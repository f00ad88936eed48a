package io.gost.plugin.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Copies bytes both ways between a peer of a bound port and its smux stream, which are not the service's client
 * connection and so not for {@link io.gost.api.HandlerContext#relay}: read, write, read the next chunk once the
 * write went out, so a slow side holds the other back. smux streams have no half-close (in GOST neither), so an
 * end of stream or a close on either side closes both, after what was written went out.
 */
final class StreamPipe extends ChannelInboundHandlerAdapter {

    private final Channel sink;

    private StreamPipe(Channel sink) {
        this.sink = sink;
    }

    /** Starts copying between {@code first} and {@code second}; both must be active, auto-read off. */
    static void join(Channel first, Channel second) {
        first.pipeline().addLast(new StreamPipe(second));
        second.pipeline().addLast(new StreamPipe(first));
        first.read();
        second.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!sink.isActive()) {
            ReferenceCountUtil.release(message);
            ctx.close();
            return;
        }
        sink.writeAndFlush(message).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                ctx.channel().read();
            } else {
                ctx.close();
                sink.close();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            endBoth(ctx);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endBoth(ctx);
        ctx.fireChannelInactive();
    }

    private void endBoth(ChannelHandlerContext ctx) {
        sink.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
        sink.close();
    }
}
