package io.gost.api.handshake;

import io.gost.api.RouteException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a hop's pipeline while a {@link Handshake} runs: passes each decoded answer to it,
 * runs the clock, and ends the handshake one way or the other (see {@link HandshakeConnector}).
 *
 * <p>The tunnel starts at the end of the read that carried the granting answer, not at the answer itself, so
 * that the tunnel bytes of that read are collected first; removing the codecs then hands over whatever they
 * still buffered, and this handler is still there to collect it.
 */
final class HandshakeDriver extends ChannelInboundHandlerAdapter {

    private enum State { WAITING, GRANTED, DONE }

    private final Handshake handshake;
    private final List<ChannelHandler> codecs;
    private final Promise<Channel> result;
    private final Duration timeout;
    private final String pendingName;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private State state = State.WAITING;
    private final List<Object> tunnelBytes = new ArrayList<>(1);
    private boolean inputEnded;

    HandshakeDriver(Handshake handshake, List<ChannelHandler> codecs, Promise<Channel> result, Duration timeout,
                    String pendingName) {
        this.handshake = handshake;
        this.codecs = codecs;
        this.result = result;
        this.timeout = timeout;
        this.pendingName = pendingName;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        handshake.attach(this);
        // Whoever gives up on the future (e.g. a chain-wide deadline) gets the connection closed too.
        result.addListener(done -> {
            if (done.isCancelled()) {
                end();
                ctx.channel().close();
            }
        });
    }

    /** Starts the clock and sends the first request. */
    void begin(Object request) {
        if (timeout != null && timeout.toNanos() > 0) {
            timer = ctx.executor().schedule(() -> fail(new RouteException(RouteException.Reason.TIMEOUT,
                            handshake.hop() + " did not answer " + handshake.request() + " within "
                                    + HandshakeConnector.describe(timeout) + awaited())),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        send(request);
    }

    void send(Object request) {
        ctx.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                fail(new RouteException(RouteException.Reason.GENERAL, "could not send " + handshake.request()
                        + " to " + handshake.hop() + ": " + describe(written.cause()), written.cause()));
            }
        });
        ctx.read();
    }

    void replaceCodec(ChannelHandler current, ChannelHandler replacement) {
        int index = codecs.indexOf(current);
        if (index < 0) {
            throw new IllegalArgumentException(current + " is not one of this handshake's codecs");
        }
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.replace(current, pipeline.context(current).name(), replacement);
        codecs.set(index, replacement);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.GRANTED && msg instanceof ByteBuf) {
            tunnelBytes.add(msg);
            return;
        }
        if (state != State.WAITING) {
            // The rest of a granting answer (e.g. an empty end of message), or input after a failure.
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (handshake.onAnswer(msg)) {
                state = State.GRANTED;
            }
        } catch (RouteException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new RouteException(RouteException.Reason.GENERAL, handshake.hop() + " sent an answer to "
                    + handshake.request() + " that could not be read: " + describe(e), e));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.GRANTED) {
            succeed();
        } else if (state == State.WAITING) {
            // The answer is not complete yet.
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ChannelInputShutdownEvent) || state == State.DONE) {
            ctx.fireUserEventTriggered(evt);
        } else if (state == State.GRANTED) {
            // Kept for the next reader, after the tunnel bytes.
            inputEnded = true;
            succeed();
        } else {
            fail(closedEarly());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.DONE) {
            fail(closedEarly());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.DONE) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        fail(new RouteException(RouteException.Reason.GENERAL, handshake.hop() + " failed during "
                + handshake.request() + ": " + describe(cause), cause));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        tunnelBytes.forEach(ReferenceCountUtil::release);
        tunnelBytes.clear();
    }

    private RouteException closedEarly() {
        return new RouteException(RouteException.Reason.GENERAL, handshake.hop()
                + " closed the connection before answering " + handshake.request() + awaited());
    }

    private String awaited() {
        String awaiting = handshake.awaiting();
        return awaiting.isEmpty() ? "" : " (" + awaiting + ")";
    }

    private void succeed() {
        cancelTimer();
        Channel channel = ctx.channel();
        ChannelPipeline pipeline = ctx.pipeline();
        // Still GRANTED while the codecs go: what they hand over on removal is tunnel bytes.
        removeCodecs();
        state = State.DONE;
        if (tunnelBytes.isEmpty() && !inputEnded) {
            pipeline.remove(this);
        } else {
            HeldInbound pending = new HeldInbound(new ArrayList<>(tunnelBytes), inputEnded);
            tunnelBytes.clear();
            pipeline.replace(this, HandshakeConnector.free(pipeline, pendingName), pending);
        }
        // A tunnel with a framing of its own (datagrams over the stream) gets its codec behind what is held, so
        // that held tunnel bytes are decoded like the rest.
        for (ChannelHandler handler : handshake.tunnelHandlers()) {
            pipeline.addLast(handler);
        }
        channel.config().setAutoRead(false);
        if (!result.trySuccess(channel)) {
            channel.close(); // the caller gave up meanwhile
        }
    }

    private void fail(RouteException failure) {
        if (state == State.DONE) {
            return;
        }
        end();
        ctx.channel().close();
        result.tryFailure(failure);
    }

    /** Stops the clock and removes every handler of the handshake; nothing more is done for it. */
    private void end() {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelTimer();
        removeCodecs();
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    private void removeCodecs() {
        ChannelPipeline pipeline = ctx.pipeline();
        for (ChannelHandler codec : codecs) {
            if (pipeline.context(codec) != null) {
                pipeline.remove(codec);
            }
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
