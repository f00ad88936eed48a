package io.gost.plugin.http.connector;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Holds tunnel bytes the hop sent right behind its answer to CONNECT until someone downstream asks
 * for data, then delivers them as the answer to that {@code read()} and removes itself.
 *
 * <p>Why not just fire them when the handshake ends: at that moment nobody listens yet. The relay, or
 * the next connector of a chain, adds its handlers after the future completes and then calls
 * {@code read()}; that outbound call passes through here on its way to the socket, so it is the first
 * moment someone is ready. The read is answered with the held bytes instead of being passed on, which
 * keeps the auto-read-off contract: one read, one batch.
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
            // From a task of its own rather than from inside read(): the reader may not expect its
            // channelRead to run while it is still calling read().
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
            // The bytes did not come through the socket, so nothing else would trigger the next read.
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
