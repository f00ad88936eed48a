package io.gost.plugin.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * GOST's delayed relay header (nodelay=false): holds a request or an answer and writes it together with the
 * first bytes written after it, in one buffer, then leaves the pipeline. Nothing is sent until then; a
 * connection that closes first never sends it, as in GOST.
 */
final class DelayedHeader extends ChannelOutboundHandlerAdapter {

    private ByteBuf header;

    DelayedHeader(ByteBuf header) {
        this.header = header;
    }

    /** True while the header has not gone out. */
    boolean pending() {
        return header != null;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (header != null && message instanceof ByteBuf bytes) {
            ByteBuf glued = ctx.alloc().compositeBuffer(2).addComponents(true, header, bytes);
            header = null;
            ctx.write(glued, promise);
            ctx.pipeline().remove(this);
        } else {
            ctx.write(message, promise);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (header != null) {
            header.release();
            header = null;
        }
    }
}
