package com.example.gost.socks4.connector;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Holds the tunnel bytes a hop sent right behind its {@code 0x5A} until someone downstream asks for
 * data, then delivers them as the answer to that {@code read()} and removes itself.
 *
 * <p>Why wait for a {@code read()}: when the handshake ends nobody listens yet. The relay, or the next
 * connector of a chain, adds its handlers after the future completes and then calls {@code read()},
 * which passes through here on its way to the socket. Answering that read with the held bytes keeps the
 * auto-read-off contract: one read, one batch.
 */
final class PendingBytesHandler extends ChannelDuplexHandler {

    private ByteBuf pending;
    private boolean deliveryScheduled;

    PendingBytesHandler(ByteBuf pending) {
        this.pending = pending;
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (pending == null) {
            ctx.read();
            return;
        }
        if (!deliveryScheduled) {
            deliveryScheduled = true;
            // From a task of its own: a reader may not expect channelRead while it is still in read().
            ctx.executor().execute(() -> deliver(ctx));
        }
    }

    private void deliver(ChannelHandlerContext ctx) {
        ByteBuf bytes = pending;
        pending = null;
        if (bytes == null) {
            return;
        }
        if (ctx.isRemoved()) {
            bytes.release();
            return;
        }
        ctx.fireChannelRead(bytes);
        ctx.fireChannelReadComplete();
        ctx.pipeline().remove(this);
        if (ctx.channel().config().isAutoRead()) {
            // The bytes did not come from the socket, so nothing else would start the next read.
            ctx.channel().read();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
