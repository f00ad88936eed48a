package com.example.gost.socks4.connector;

import com.example.gost.socks4.protocol.Socks4;
import com.example.gost.socks4.protocol.Socks4Reply;
import io.gost.api.RouteException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the hop's answer to one SOCKS4 CONNECT and completes the connector's promise.
 *
 * <p>On {@code 0x5A} it keeps any tunnel bytes of the same read and, when that read is complete,
 * removes itself, leaving a {@link PendingBytesHandler} with those bytes in its place, then completes the
 * promise with the channel. Any other answer, the hop closing, an error or the timeout fail the promise
 * with a {@link RouteException} and close the channel: after a failed handshake the connection is of no
 * further use.
 */
final class Socks4ConnectHandshakeHandler extends ChannelInboundHandlerAdapter {

    private final Promise<Channel> promise;
    private final String hop;
    private final String target;
    private final Duration timeout;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean granted;
    private CompositeByteBuf tunnelBytes;

    /**
     * @param hop    the hop as shown in messages, e.g. {@code 127.0.0.1:1080}
     * @param target the CONNECT target, {@code host:port}
     */
    Socks4ConnectHandshakeHandler(Promise<Channel> promise, String hop, String target, Duration timeout) {
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

    /** Sends the request, starts the clock and asks for the answer. */
    void begin(ByteBuf request) {
        timer = ctx.executor().schedule(() -> fail(new RouteException(RouteException.Reason.TIMEOUT,
                "socks4 hop " + hop + " did not answer CONNECT " + target + " within " + describe(timeout))),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.channel().writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                fail(new RouteException(RouteException.Reason.GENERAL, "could not send CONNECT " + target
                        + " to socks4 hop " + hop + ": " + describe(written.cause()), written.cause()));
            }
        });
        ctx.channel().read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Socks4Reply reply && !promise.isDone()) {
            onReply(reply);
        } else if (msg instanceof ByteBuf bytes && granted && !promise.isDone()) {
            if (tunnelBytes == null) {
                tunnelBytes = ctx.alloc().compositeBuffer();
            }
            tunnelBytes.addComponent(true, bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onReply(Socks4Reply reply) {
        if (reply.version() != Socks4.REPLY_VERSION) {
            fail(new RouteException(RouteException.Reason.GENERAL, "socks4 hop " + hop + " answered CONNECT "
                    + target + " with something that is not a SOCKS4 reply (it starts with "
                    + Socks4.hex(reply.version()) + ", SOCKS4 replies start with 0x00); is it a SOCKS4 server?"));
        } else if (reply.granted()) {
            granted = true;
        } else {
            fail(new RouteException(RouteException.Reason.HOP_REJECTED, "socks4 hop " + hop + " answered CONNECT "
                    + target + " with " + Socks4.describeReply(reply.code())));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Until the reply is complete the decoder asks for more itself.
        if (granted && !promise.isDone()) {
            succeed();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !promise.isDone()) {
            if (granted) {
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
        fail(new RouteException(RouteException.Reason.GENERAL, "CONNECT " + target + " through socks4 hop " + hop
                + " failed: " + describe(cause), cause));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        if (tunnelBytes != null) {
            tunnelBytes.release();
            tunnelBytes = null;
        }
    }

    private RouteException closedBeforeAnswer() {
        return new RouteException(RouteException.Reason.GENERAL, "socks4 hop " + hop
                + " closed the connection before answering CONNECT " + target);
    }

    private void succeed() {
        cancelTimer();
        Channel channel = ctx.channel();
        ChannelPipeline pipeline = ctx.pipeline();
        CompositeByteBuf bytes = tunnelBytes;
        tunnelBytes = null;
        if (bytes != null && bytes.isReadable()) {
            pipeline.replace(this, Socks4Connector.PENDING_BYTES, new PendingBytesHandler(bytes));
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
        abandon();
        promise.tryFailure(failure);
    }

    private void abandon() {
        cancelTimer();
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(Socks4Connector.REPLY_DECODER) != null) {
            pipeline.remove(Socks4Connector.REPLY_DECODER);
        }
        if (!ctx.isRemoved()) {
            pipeline.remove(this);
        }
        ctx.channel().close();
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
