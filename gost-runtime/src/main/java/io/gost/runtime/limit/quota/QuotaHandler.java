package io.gost.runtime.limit.quota;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Counts a client connection's bytes against its service's quotas, at the head of the client's pipeline (the
 * bytes on the wire, as the traffic limiter counts them), and ends the connection at its first read or write
 * after a quota blocked, as GOST's quota connection wrapper fails that read or write. One instance serves every
 * connection of a service: it keeps no state of its own.
 */
@ChannelHandler.Sharable
public final class QuotaHandler extends ChannelDuplexHandler {

    /** The name of this handler in a client's pipeline. */
    public static final String NAME = "gost-quota";

    /** Why a write failed. */
    public static final class QuotaExceededException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        QuotaExceededException(String quota) {
            super("quota " + quota + ": traffic limit reached");
        }
    }

    private final Quota[] quotas;

    /** The handler for {@code quotas}, or {@code null} for none. */
    public static QuotaHandler of(List<Quota> quotas) {
        return quotas.isEmpty() ? null : new QuotaHandler(quotas);
    }

    private QuotaHandler(List<Quota> quotas) {
        this.quotas = quotas.toArray(new Quota[0]);
    }

    /** The first quota blocking now, or {@code null}. */
    public Quota blocking() {
        for (Quota quota : quotas) {
            if (quota.blocked()) {
                return quota;
            }
        }
        return null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Quota blocking = blocking();
        if (blocking != null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        long bytes = size(msg);
        for (Quota quota : quotas) {
            quota.addIn(bytes);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Quota blocking = blocking();
        if (blocking != null) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new QuotaExceededException(blocking.name()));
            ctx.close();
            return;
        }
        long bytes = size(msg);
        for (Quota quota : quotas) {
            quota.addOut(bytes);
        }
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }
}
