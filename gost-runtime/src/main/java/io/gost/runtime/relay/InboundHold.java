package io.gost.runtime.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;

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
 */
final class InboundHold extends ChannelInboundHandlerAdapter {

    private final Queue<Object> held = new ArrayDeque<>(2);
    private boolean inputShutdown;

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

    private boolean isLast(ChannelHandlerContext ctx) {
        return ctx.pipeline().last() == this;
    }

    /** Removes the next held message, or returns null. */
    Object poll() {
        return held.poll();
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
