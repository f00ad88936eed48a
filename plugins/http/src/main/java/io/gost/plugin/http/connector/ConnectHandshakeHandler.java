package io.gost.plugin.http.connector;

import io.gost.api.RouteException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the hop's answer to one CONNECT request and completes the connector's promise.
 *
 * <p>On a 2xx head it collects any tunnel bytes of the same read, and at the end of that read removes
 * the decoder and itself, leaving a {@link PendingBytesHandler} in its place when there were such bytes,
 * then completes the promise with the channel. Any other answer, a malformed one, the hop closing, or
 * the timeout fail the promise with a {@link RouteException} and close the channel: after a failed
 * handshake the hop's state is unknown, so the connection is of no further use.
 */
final class ConnectHandshakeHandler extends ChannelInboundHandlerAdapter {

    private final Promise<Channel> promise;
    private final String hop;
    private final String target;
    private final Duration timeout;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean accepted;
    private boolean finishing;
    private CompositeByteBuf leftover;

    /**
     * @param hop    the hop as shown in messages, e.g. {@code 127.0.0.1:8080}
     * @param target the CONNECT target, {@code host:port}
     */
    ConnectHandshakeHandler(Promise<Channel> promise, String hop, String target, Duration timeout) {
        this.promise = promise;
        this.hop = hop;
        this.target = target;
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // Whoever gives up on the promise (e.g. a chain-wide deadline) gets the connection closed too.
        promise.addListener(done -> {
            if (done.isCancelled()) {
                abandon();
            }
        });
    }

    /** Sends the request, starts the clock and asks for the first read. */
    void begin(ByteBuf request) {
        if (timeout.toNanos() > 0) {
            timer = ctx.executor().schedule(() -> fail(new RouteException(RouteException.Reason.TIMEOUT,
                    "hop " + hop + " did not answer CONNECT " + target + " within " + describe(timeout))),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        ctx.channel().writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                fail(new RouteException(RouteException.Reason.GENERAL, "could not send CONNECT " + target
                        + " to hop " + hop + ": " + describe(written.cause()), written.cause()));
            }
        });
        ctx.channel().read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (promise.isDone() && !finishing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            keepLeftover(bytes);
        } else if (msg instanceof HttpResponse response) {
            ReferenceCountUtil.release(msg);
            onAnswer(response);
        } else if (msg instanceof HttpContent content) {
            // The end of a bodiless 2xx, or the body of a refusal we are not going to read.
            content.release();
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onAnswer(HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            Throwable cause = response.decoderResult().cause();
            if (cause instanceof PrematureChannelClosureException) {
                fail(closedBeforeAnswer());
            } else {
                fail(new RouteException(RouteException.Reason.GENERAL, "hop " + hop
                        + " sent a malformed answer to CONNECT " + target + ": " + describe(cause), cause));
            }
            return;
        }
        HttpStatusClass statusClass = response.status().codeClass();
        if (statusClass == HttpStatusClass.INFORMATIONAL) {
            return;
        }
        if (statusClass == HttpStatusClass.SUCCESS) {
            accepted = true;
            return;
        }
        fail(new RouteException(RouteException.Reason.HOP_REJECTED, "hop " + hop + " answered CONNECT " + target
                + " with " + response.protocolVersion() + " " + response.status()));
    }

    private void keepLeftover(ByteBuf bytes) {
        if (!accepted) {
            bytes.release();
            return;
        }
        if (leftover == null) {
            leftover = ctx.alloc().compositeBuffer();
        }
        leftover.addComponent(true, bytes);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (promise.isDone() || finishing) {
            return;
        }
        if (accepted) {
            succeed();
        } else {
            // The head is not complete yet.
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !promise.isDone()) {
            if (accepted) {
                succeed();
            } else {
                fail(closedBeforeAnswer());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!promise.isDone()) {
            fail(closedBeforeAnswer());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (promise.isDone()) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        fail(new RouteException(RouteException.Reason.GENERAL, "CONNECT " + target + " through hop " + hop
                + " failed: " + describe(cause), cause));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        if (leftover != null) {
            leftover.release();
            leftover = null;
        }
    }

    private RouteException closedBeforeAnswer() {
        return new RouteException(RouteException.Reason.GENERAL, "hop " + hop
                + " closed the connection before answering CONNECT " + target);
    }

    private void succeed() {
        finishing = true;
        cancelTimer();
        Channel channel = ctx.channel();
        ChannelPipeline pipeline = ctx.pipeline();
        // Removing the decoder hands over whatever it still buffered; this handler is still there to keep it.
        pipeline.remove(HttpConnectorPipeline.RESPONSE_DECODER);
        CompositeByteBuf bytes = leftover;
        leftover = null;
        if (bytes != null && bytes.isReadable()) {
            // A leftover of an earlier hop not read yet keeps its name; Netty names this one then.
            String name = pipeline.get(HttpConnectorPipeline.LEFTOVER_BYTES) == null
                    ? HttpConnectorPipeline.LEFTOVER_BYTES : null;
            pipeline.replace(this, name, new PendingBytesHandler(bytes));
        } else {
            if (bytes != null) {
                bytes.release();
            }
            pipeline.remove(this);
        }
        if (!promise.trySuccess(channel)) {
            channel.close();
        }
    }

    private void fail(RouteException failure) {
        if (promise.isDone()) {
            return;
        }
        cancelTimer();
        removeHandshakeHandlers();
        ctx.channel().close();
        promise.tryFailure(failure);
    }

    private void abandon() {
        cancelTimer();
        removeHandshakeHandlers();
        ctx.channel().close();
    }

    private void removeHandshakeHandlers() {
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(HttpConnectorPipeline.RESPONSE_DECODER) != null) {
            pipeline.remove(HttpConnectorPipeline.RESPONSE_DECODER);
        }
        if (!ctx.isRemoved()) {
            pipeline.remove(this);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
