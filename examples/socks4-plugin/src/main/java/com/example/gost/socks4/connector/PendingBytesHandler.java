package com.example.gost.socks4.connector;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Holds the tunnel bytes a hop sent right behind its {@code 0x5A} until someone downstream asks for
 * data, then delivers them as the answer to that {@code read()} and removes itself.
 *
 * <p>Why wait for a {@code read()}: when the handshake ends nobody listens yet. The relay, or the next
 * connector of a chain, adds its handlers after the future completes and then calls {@code read()},
 * which passes through here on its way to the socket. Answering that read with the held bytes keeps the
 * auto-read-off contract: one read, one batch. Anything the transport reads in the meantime (epoll reads
 * what is buffered when the hop half-closes) joins the held bytes, and the end of stream is passed on
 * after them, so the order is kept.
 */
final class PendingBytesHandler extends ChannelDuplexHandler {

    private CompositeByteBuf pending;
    private boolean inputShutdown;
    private boolean deliveryScheduled;

    PendingBytesHandler(CompositeByteBuf pending) {
        this.pending = pending;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (pending != null && msg instanceof ByteBuf bytes) {
            pending.addComponent(true, bytes);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (pending != null && evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
        } else {
            ctx.fireUserEventTriggered(evt);
        }
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
        if (inputShutdown) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
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
