package io.gost.api.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;

/**
 * Holds what a channel's transport reads while nobody is ready for it, and the end of the stream, in order.
 *
 * <p>Auto-read off does not stop every read: bytes may come glued to the last message of a handshake, and
 * with epoll a peer's FIN makes the transport read everything buffered. Fired at once, they would reach the
 * end of the pipeline and be dropped. This handler keeps them, and gives them back in one of two ways:
 * <ul>
 *   <li>to whoever reads next: the first {@code read()} that passes through is answered with the held
 *       messages (then {@code channelReadComplete}, then a held end of stream) instead of reading the socket,
 *       and the handler removes itself. A connector leaves one behind with the bytes that came after the
 *       hop's answer, so the relay or the next connector of a chain sees them first;</li>
 *   <li>to a handler that writes them itself: {@link #drain()} takes them out ({@link RelayHandOff} does so
 *       with what a client sent between its request and the relay).</li>
 * </ul>
 *
 * <p>The replay runs as a task of its own, not inside {@code read()}: a reader calls {@code read()} from its
 * set-up code and must not see its first input before that code has finished. A {@code read()} asked for
 * during the replay is passed on afterwards. Whatever is still held when the handler is removed or the
 * channel closes is released. One instance per channel, used on its event loop.
 */
public final class HeldInbound extends ChannelDuplexHandler {

    private final Queue<Object> held = new ArrayDeque<>(2);
    private boolean inputEnded;
    private boolean replayScheduled;
    private boolean readRequestedDuringReplay;
    private boolean passingThrough;

    /** Holds nothing yet. */
    public HeldInbound() {
    }

    /**
     * Holds {@code messages} (ownership passes to this handler) and, with {@code inputEnded}, the end of the
     * stream after them.
     */
    public HeldInbound(Collection<?> messages, boolean inputEnded) {
        held.addAll(messages);
        this.inputEnded = inputEnded;
    }

    /** True when nothing is held, not even the end of the stream. */
    public boolean isEmpty() {
        return held.isEmpty() && !inputEnded;
    }

    /** True when the peer's end of stream was held (it arrived while this handler was holding). */
    public boolean inputEnded() {
        return inputEnded;
    }

    /**
     * Takes the held bytes out, in order (ownership passes to the caller); anything held that is not a
     * {@link ByteBuf} is released. The handler goes on holding what arrives later.
     */
    public List<ByteBuf> drain() {
        List<ByteBuf> bytes = new ArrayList<>(held.size());
        for (Object message; (message = held.poll()) != null; ) {
            if (message instanceof ByteBuf buffer) {
                bytes.add(buffer);
            } else {
                ReferenceCountUtil.release(message);
            }
        }
        return bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (passingThrough) {
            ctx.fireChannelRead(message);
        } else {
            held.add(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (passingThrough) {
            ctx.fireChannelReadComplete();
        }
        // Holding: the replay fires its own readComplete after the held messages.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!passingThrough && event instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (passingThrough) {
            ctx.read();
        } else if (replayScheduled) {
            readRequestedDuringReplay = true;
        } else if (isEmpty()) {
            passingThrough = true;
            ctx.pipeline().remove(this);
            ctx.read();
        } else {
            replayScheduled = true;
            ctx.executor().execute(() -> replay(ctx));
        }
    }

    private void replay(ChannelHandlerContext ctx) {
        if (ctx.isRemoved() || !ctx.channel().isOpen()) {
            return; // handlerRemoved released what was held
        }
        passingThrough = true;
        boolean firedMessage = false;
        for (Object message; (message = held.poll()) != null; ) {
            firedMessage = true;
            ctx.fireChannelRead(message);
        }
        if (firedMessage) {
            ctx.fireChannelReadComplete();
        }
        if (inputEnded) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
        // The held bytes did not come through the socket, so nothing else would ask for the next read.
        boolean wantsMore = readRequestedDuringReplay || ctx.channel().config().isAutoRead();
        if (wantsMore && !inputEnded && ctx.channel().isActive()) {
            ctx.channel().read();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (Object message; (message = held.poll()) != null; ) {
            ReferenceCountUtil.release(message);
        }
    }
}
