package io.gost.runtime.service;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Holds what a connection's transport reads while an admission plugin is being asked about it, and hands it to
 * the handler once the connection is admitted ({@link #replay}).
 *
 * <p>Auto-read is off, but epoll reads what is buffered when the peer half-closes (EPOLLRDHUP) and fires the
 * end of stream at once: without a holder, a client that sent its request and a FIN (or a port probe that
 * connected and left) during the wait would leave the handler waiting for input that already came and went.
 */
final class AdmissionWait extends ChannelInboundHandlerAdapter {

    static final String NAME = "gost.admission-wait";

    private final Queue<Object> held = new ArrayDeque<>(2);
    private boolean inputShutdown;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        held.add(message);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            inputShutdown = true;
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    /** Installs a holder on {@code client} (on its event loop, before anything reads from it). */
    static AdmissionWait install(Channel client) {
        AdmissionWait wait = new AdmissionWait();
        client.pipeline().addLast(NAME, wait);
        return wait;
    }

    /** Takes the holder out of the pipeline, keeping what it holds for {@link #replay}. */
    void remove(Channel client) {
        if (client.pipeline().context(this) != null) {
            client.pipeline().remove(this);
        }
    }

    /** Passes what was held through the pipeline the handler has built since, then the end of stream. */
    void replay(Channel client) {
        if (!client.isActive()) {
            discard(); // refused after all (a limit), or gone
            return;
        }
        for (Object message; (message = held.poll()) != null; ) {
            client.pipeline().fireChannelRead(message);
        }
        if (inputShutdown) {
            inputShutdown = false;
            client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    /** Releases what nobody will read (the connection was refused). */
    void discard() {
        for (Object message; (message = held.poll()) != null; ) {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            discard();
        }
    }
}
