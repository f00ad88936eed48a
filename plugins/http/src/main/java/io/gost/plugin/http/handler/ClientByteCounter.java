package io.gost.plugin.http.handler;

import io.gost.api.HandlerContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the raw bytes read from and written to the client while this plugin speaks HTTP itself, so
 * the connection log shows true totals. Sits at the head of the client pipeline, below the codec; it is
 * removed before a tunnel is handed to the relay, which counts from then on.
 */
final class ClientByteCounter extends ChannelDuplexHandler {

    private final HandlerContext context;

    ClientByteCounter(HandlerContext context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long size = sizeOf(msg);
        if (size > 0) {
            context.countBytes(size, 0);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long size = sizeOf(msg);
        if (size > 0) {
            context.countBytes(0, size);
        }
        ctx.write(msg, promise);
    }

    private static long sizeOf(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }
}
