package io.gost.runtime.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Keeps what a channel's transport reads while nobody handles its input, until the relay takes it over.
 *
 * <p>Auto-read off does not stop every read: the epoll transport reads whatever is buffered when the peer
 * half-closes (EPOLLRDHUP), so a client that sends its request and a FIN while the upstream is still
 * being dialed would otherwise lose the request at the pipeline's tail.
 *
 * <p>It only holds while it is the last handler: a handler that adds its own codecs after it (the HTTP
 * proxy, a connector's handshake) gets every event passed through, and once those codecs are removed the
 * holder catches what arrives until the relay starts. So the runtime can install it on every accepted and
 * every dialed channel without knowing what the handler will do.
 *
 * <p>An error of the transport while it is last (typically the client's reset while the upstream is being
 * dialed) is kept too, and told to whoever asked: it is the reason the connection ends, and left to the
 * pipeline's tail it would only become a warning that no handler handled it. The epoll and NIO transports
 * close the channel after a read error themselves.
 */
final class InboundHold extends ChannelInboundHandlerAdapter {

    /**
     * The error, on the channel itself: the hold leaves the pipeline when the channel closes, before a
     * relay may start on it. Set only on error, so a channel without one carries no attribute map.
     */
    private static final AttributeKey<Throwable> ERROR = AttributeKey.valueOf(InboundHold.class, "error");

    private final Queue<Object> held = new ArrayDeque<>(2);
    /** Hears of the error kept; {@code null} for nobody. */
    private final Consumer<Throwable> errors;
    private boolean inputShutdown;

    InboundHold(Consumer<Throwable> errors) {
        this.errors = errors;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (isLast(ctx)) {
            held.add(message);
        } else {
            ctx.fireChannelRead(message);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE && isLast(ctx)) {
            inputShutdown = true;
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!isLast(ctx)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (!ctx.channel().hasAttr(ERROR)) {
            ctx.channel().attr(ERROR).set(cause);
            if (errors != null) {
                errors.accept(cause);
            }
        }
        // Whatever the error, nothing reads this channel any more: a read error has closed it already, any
        // other leaves it in a state no relay should start from.
        ctx.close();
    }

    private boolean isLast(ChannelHandlerContext ctx) {
        return ctx.pipeline().last() == this;
    }

    /** Removes the next held message, or returns null. */
    Object poll() {
        return held.poll();
    }

    /** The transport's error a hold kept on {@code channel} while nobody handled its input, or {@code null}. */
    static Throwable errorOf(Channel channel) {
        return channel.hasAttr(ERROR) ? channel.attr(ERROR).get() : null;
    }

    /** True when the peer's end of stream was held. */
    boolean inputShutdown() {
        return inputShutdown;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Whatever the relay did not take (the channel was closed before it started) is released here.
        for (Object message; (message = held.poll()) != null; ) {
            ReferenceCountUtil.release(message);
        }
    }
}
