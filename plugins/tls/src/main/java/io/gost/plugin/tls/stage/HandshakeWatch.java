package io.gost.plugin.tls.stage;

import io.gost.api.handshake.HeldInbound;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Watches one stage's handshake from behind the stage's handlers: completes the stage's promise when the
 * handshake is done, or fails it (and closes the channel) on an error, an early close or the timeout.
 *
 * <p>On success it puts a {@link HeldInbound} in its own place before completing, so that whatever the peer
 * sent right behind the handshake (decoded in the same read) waits for the next layer's first
 * {@code read()} instead of falling off the end of the pipeline. One instance per channel and stage.
 */
public final class HandshakeWatch extends ChannelInboundHandlerAdapter {

    private final Promise<Channel> done;
    private final Duration timeout;
    private final Predicate<Object> isSuccess;
    private final java.util.function.Function<Object, Throwable> failureOf;
    private final String heldName;
    private ScheduledFuture<?> timer;

    /**
     * @param done      completed with the channel, or failed with the cause
     * @param timeout   how long the handshake may take; zero or negative for no limit
     * @param isSuccess whether a user event says the handshake succeeded
     * @param failureOf the failure a user event reports, or {@code null} when it reports none
     * @param heldName  the pipeline name of the {@link HeldInbound} left behind
     */
    public HandshakeWatch(Promise<Channel> done, Duration timeout, Predicate<Object> isSuccess,
                          java.util.function.Function<Object, Throwable> failureOf, String heldName) {
        this.done = done;
        this.timeout = timeout;
        this.isSuccess = isSuccess;
        this.failureOf = failureOf;
        this.heldName = heldName;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (timeout != null && !timeout.isZero() && !timeout.isNegative()) {
            timer = ctx.executor().schedule(() -> fail(ctx, new TimeoutException("no complete handshake within "
                    + format(timeout))), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        // Whoever gives up on the stage (the runtime's dial timeout) closes the connection with it.
        done.addListener(outcome -> {
            if (outcome.isCancelled()) {
                ctx.channel().close();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (isSuccess.test(event)) {
            cancelTimer();
            ctx.pipeline().replace(this, heldName, new HeldInbound());
            if (!done.trySuccess(ctx.channel())) {
                ctx.channel().close();
            }
            return;
        }
        Throwable failure = failureOf.apply(event);
        if (failure != null) {
            fail(ctx, failure);
            return;
        }
        if (event instanceof ChannelInputShutdownEvent) {
            // Half-closure is allowed on these channels, so a peer that gives up sends only this.
            fail(ctx, new ClosedChannelException());
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        // Nothing should arrive before the handshake is done; whatever does has no reader yet.
        ReferenceCountUtil.release(message);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, new ClosedChannelException());
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        cancelTimer();
        if (done.tryFailure(cause) || ctx.channel().isOpen()) {
            ctx.channel().close();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** {@code 15s} or {@code 500ms}, as GOST users write durations. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
