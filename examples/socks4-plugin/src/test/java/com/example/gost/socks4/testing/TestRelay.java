package com.example.gost.socks4.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * A small stand-in for gost's relay in tests: copies each direction, reading the next chunk only after
 * the previous one was written, passes a half-close on with {@code shutdownOutput}, and closes both
 * channels when either fails or both directions are done.
 */
public final class TestRelay {

    private TestRelay() {
    }

    /** Relays between two active channels with auto-read off. */
    public static void start(Channel client, Channel upstream) {
        client.pipeline().addLast("test-relay", new Copy(upstream));
        upstream.pipeline().addLast("test-relay", new Copy(client));
        client.read();
        upstream.read();
    }

    private static final class Copy extends ChannelInboundHandlerAdapter {

        private final Channel peer;

        Copy(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!peer.isActive()) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            peer.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.close();
                    peer.close();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                if (peer instanceof DuplexChannel duplex && duplex.isActive()) {
                    duplex.shutdownOutput();
                }
                if (ctx.channel() instanceof DuplexChannel self && self.isOutputShutdown()) {
                    ctx.close();
                    peer.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
            peer.close();
        }
    }
}
