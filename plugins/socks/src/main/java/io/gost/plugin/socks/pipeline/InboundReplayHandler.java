package io.gost.plugin.socks.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Holds inbound bytes that were read before their reader was in the pipeline, and gives them to that
 * reader when it first asks for input: on the first {@code read()} that passes through, the held
 * messages are fired up the pipeline (then {@code channelReadComplete}, then a held end-of-input event)
 * instead of reading the socket, and the handler removes itself.
 *
 * <p>Two users:
 * <ul>
 *   <li>the {@code auto} handler reads a first chunk to choose a protocol; it puts that chunk in here and
 *       calls the chosen handler, whose own pipeline and {@code read()} then see the chunk as if the socket
 *       had just delivered it;</li>
 *   <li>the {@code socks5} connector: a hop may send tunnelled bytes in the same segment as its CONNECT
 *       reply; they are kept here until whoever uses the tunnel next (the next connector, the relay) reads.</li>
 * </ul>
 *
 * <p>Everything that arrives while holding (with epoll, a peer's FIN makes the transport read even with
 * auto-read off) is appended, so order is kept. The replay runs as a separate event-loop task, not inside
 * {@code read()}: the reader calls {@code read()} from its setup code and must not see its first input
 * before that code has finished. A {@code read()} asked for during the replay is passed on once the
 * handler is gone, so the reader never waits for a read that was swallowed. Whatever was not replayed is
 * released when the handler is removed or the channel closes.
 */
public final class InboundReplayHandler extends ChannelDuplexHandler {

    private final Queue<Object> held = new ArrayDeque<>(2);
    private boolean replayScheduled;
    private boolean readRequestedDuringReplay;
    private boolean done;

    /** Holds nothing yet; keeps what arrives until the first {@code read()}. */
    public InboundReplayHandler() {
    }

    /** Holds {@code first} (ownership passes to this handler) and what arrives after it. */
    public InboundReplayHandler(ByteBuf first) {
        held.add(first);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (done) {
            ctx.fireChannelRead(message);
        } else {
            held.add(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (done) {
            ctx.fireChannelReadComplete();
        }
        // Holding: the replay fires its own readComplete after the held messages.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (done) {
            ctx.fireUserEventTriggered(event);
        } else {
            held.add(new HeldEvent(event));
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (done) {
            ctx.read();
            return;
        }
        if (replayScheduled) {
            readRequestedDuringReplay = true;
            return;
        }
        if (held.isEmpty()) {
            done = true;
            ctx.pipeline().remove(this);
            ctx.read();
            return;
        }
        replayScheduled = true;
        ctx.executor().execute(() -> replay(ctx));
    }

    private void replay(ChannelHandlerContext ctx) {
        if (ctx.isRemoved() || !ctx.channel().isOpen()) {
            return; // handlerRemoved released what was held
        }
        done = true;
        boolean firedMessage = false;
        Queue<HeldEvent> events = new ArrayDeque<>(1);
        for (Object message; (message = held.poll()) != null; ) {
            if (message instanceof HeldEvent event) {
                events.add(event);
            } else {
                firedMessage = true;
                ctx.fireChannelRead(message);
            }
        }
        if (firedMessage) {
            ctx.fireChannelReadComplete();
        }
        for (HeldEvent event; (event = events.poll()) != null; ) {
            ctx.fireUserEventTriggered(event.event());
        }
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
        if (readRequestedDuringReplay && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (Object message; (message = held.poll()) != null; ) {
            if (message instanceof HeldEvent event) {
                ReferenceCountUtil.release(event.event());
            } else {
                ReferenceCountUtil.release(message);
            }
        }
    }

    /** A user event (e.g. end of input) kept in order with the held bytes. */
    private record HeldEvent(Object event) {
    }
}
