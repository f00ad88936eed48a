package io.gost.plugin.socks.auto;

import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.gost.api.handshake.HeldInbound;
import io.gost.plugin.socks.pipeline.SocksPipelineNames;
import io.gost.plugin.socks.v5.Socks5Addresses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the first non-empty chunk from the client, chooses the delegate by its first byte, puts the
 * chunk into an {@link HeldInbound} in its own place and calls the delegate. Per connection.
 */
final class ProtocolSniffHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOGGER = LoggerFactory.getLogger(ProtocolSniffHandler.class);

    /**
     * SOCKS4's reply "request rejected or failed": version 0 (the reply's), code 0x5B, and port and address
     * left zero, which a client ignores in a refusal.
     */
    private static final byte[] SOCKS4_REJECTED = {0x00, 0x5B, 0, 0, 0, 0, 0, 0};

    private final AutoHandler auto;
    private final HandlerContext context;
    private final Duration timeout;
    private ScheduledFuture<?> deadline;
    private boolean decided;

    ProtocolSniffHandler(AutoHandler auto, HandlerContext context, Duration timeout) {
        this.auto = auto;
        this.context = context;
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            if (!decided) {
                LOGGER.info("{}: no bytes within {} (metadata readTimeout); closing", describe(), timeout);
                decided = true;
                ctx.close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (decided || !(message instanceof ByteBuf chunk)) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (!chunk.isReadable()) {
            chunk.release();
            ctx.read();
            return;
        }
        decided = true;
        cancelDeadline();
        byte first = chunk.getByte(chunk.readerIndex());
        Optional<Handler> delegate = auto.delegateFor(first);
        if (delegate.isEmpty()) {
            chunk.release();
            refuse(ctx, first);
            return;
        }
        if (auto.checksRefusalsFor(first) && context.admitRequest().isPresent()) {
            // The runtime has logged it; a SOCKS4 client gets its protocol's refusal, others a close.
            chunk.release();
            if (first == 0x04) {
                ctx.writeAndFlush(ctx.alloc().buffer(SOCKS4_REJECTED.length).writeBytes(SOCKS4_REJECTED))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return;
        }
        ctx.pipeline().replace(this, SocksPipelineNames.unique(ctx.pipeline(), SocksPipelineNames.REPLAY),
                new HeldInbound(List.of(chunk), false));
        try {
            delegate.get().handle(ctx.channel(), context);
        } catch (RuntimeException e) {
            LOGGER.warn("{}: the {} handler failed to take the connection; closing", describe(),
                    AutoHandler.protocolOf(first), e);
            ctx.channel().close();
        }
    }

    /**
     * Closes a connection whose protocol no plugin here serves, with a log line naming the plugin to add. A
     * SOCKS4 client first gets its protocol's refusal, reply 0x5B (request rejected or failed), so that it
     * reports a refused request instead of a connection closed without a word.
     */
    private void refuse(ChannelHandlerContext ctx, byte first) {
        String protocol = AutoHandler.protocolOf(first);
        boolean socks4 = first == 0x04;
        LOGGER.warn("{}: the client speaks {} (first byte 0x{}), but no plugin provides the '{}' handler that the auto"
                        + " handler hands it to; {}closing. Add the plugin that provides it.",
                describe(), protocol, String.format("%02x", first & 0xFF), protocol,
                socks4 ? "answered 0x5B (request rejected) and " : "");
        if (socks4) {
            ctx.writeAndFlush(ctx.alloc().buffer(SOCKS4_REJECTED.length).writeBytes(SOCKS4_REJECTED))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent && !decided) {
            LOGGER.debug("{}: the client ended its side before sending anything; closing", describe());
            decided = true;
            cancelDeadline();
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOGGER.debug("{}: error before the protocol was known; closing", describe(), cause);
        decided = true;
        cancelDeadline();
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private String describe() {
        return "service " + context.serviceName() + ": connection " + context.sessionId() + " from "
                + Socks5Addresses.format(context.clientAddress());
    }
}
