package com.example.gost.socks4.handler;

import io.gost.api.HostPort;
import com.example.gost.socks4.protocol.Socks4;
import com.example.gost.socks4.protocol.Socks4Request;
import io.gost.api.Authenticator;
import io.gost.api.HandlerContext;
import io.gost.api.handshake.HeldInbound;
import io.gost.api.handshake.RelayHandOff;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one client's SOCKS4 request: CONNECT is dialed through {@link HandlerContext#router()} (the
 * service's chain, or directly), answered {@code 0x5A} and handed to {@link HandlerContext#relay};
 * anything else is answered {@code 0x5B} (or {@code 0x5D} for a user id the authenticator refuses) and
 * the connection closed.
 *
 * <p>BIND is refused: it needs a listening socket per request and is used by little besides active-mode
 * FTP. Bytes the client sent behind its request (it should wait for the answer, but may not) wait in a
 * {@link HeldInbound} behind this handler, and gost-api's {@link RelayHandOff} writes them upstream before
 * the relay starts, so none is lost. Nothing more is asked of the client until the relay takes over; a
 * client that ends its stream before a complete request is closed. One instance per connection, on the
 * client's event loop.
 */
final class Socks4ServerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOGGER = LoggerFactory.getLogger(Socks4ServerHandler.class);

    private final HandlerContext context;
    private final Authenticator authenticator;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> requestTimer;
    private Socks4Request request;
    private HeldInbound clientBytes;
    private boolean answering;
    private boolean finished;

    /** @param authenticator checks the USERID with an empty password; {@code null} accepts any */
    Socks4ServerHandler(HandlerContext context, Authenticator authenticator) {
        this.context = context;
        this.authenticator = authenticator;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Starts the clock for the request and asks for the first bytes. Call once, after adding this handler. */
    void awaitRequest(Duration timeout) {
        requestTimer = ctx.executor().schedule(() -> {
            if (request == null && !finished) {
                LOGGER.info("service {}: connection {} from {}: no complete SOCKS4 request within {}; closing",
                        context.serviceName(), context.sessionId(), context.clientAddress(), timeout);
                finish();
                ctx.channel().close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.channel().read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Socks4Request decoded && request == null && !finished) {
            request = decoded;
            cancelTimer();
            clientBytes = new HeldInbound();
            ctx.pipeline().addAfter(ctx.name(), Socks4Handler.CLIENT_BYTES, clientBytes);
        } else if (msg instanceof ByteBuf && request != null) {
            // Behind the request in the same read, or, though auto-read is off, while the dial runs: the
            // epoll transport reads what is buffered when the client half-closes. Either way it is the
            // client's data, held for the upstream.
            ctx.fireChannelRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Acting at the end of the read, not on the request itself, means every byte the client sent
        // behind it in that read is already held, even when the dial completes at once.
        if (request != null && !answering && !finished) {
            answering = true;
            onRequest(request);
        }
        ctx.fireChannelReadComplete();
    }

    private void onRequest(Socks4Request request) {
        if (request.command() != Socks4.CONNECT) {
            refuse(Socks4.REJECTED, "command " + Socks4.hex(request.command())
                    + (request.command() == Socks4.BIND ? " (BIND)" : "") + " is not supported, only CONNECT");
            return;
        }
        if (authenticator != null && !authenticator.authenticate(request.userId(), "")) {
            refuse(Socks4.USERID_REJECTED, "user id '" + request.userId() + "' is not accepted");
            return;
        }
        Future<Channel> dial;
        try {
            dial = context.router().dial("tcp", request.target());
        } catch (RuntimeException e) {
            refuse(Socks4.REJECTED, "the router failed to start a dial: " + describe(e));
            return;
        }
        dial.addListener(done -> {
            // The router may complete on another event loop; the client's state lives on its own.
            if (ctx.executor().inEventLoop()) {
                onDialed(dial);
            } else {
                ctx.executor().execute(() -> onDialed(dial));
            }
        });
    }

    private void onDialed(Future<Channel> dial) {
        if (finished || !ctx.channel().isActive()) {
            if (dial.isSuccess()) {
                LOGGER.debug("service {}: connection {} from {}: the client left while {} was being dialed",
                        context.serviceName(), context.sessionId(), context.clientAddress(), target());
                dial.getNow().close();
            }
            return;
        }
        if (!dial.isSuccess()) {
            refuse(Socks4.REJECTED, "cannot reach it: " + describe(dial.cause()));
            return;
        }
        finish();
        RelayHandOff.between(ctx.channel(), dial.getNow(), context)
                .holding(clientBytes)
                .removing(this)
                .replyThenRelay(Socks4.encodeReply(ctx.alloc(), Socks4.GRANTED));
    }

    private void refuse(int code, String reason) {
        LOGGER.info("service {}: connection {} from {}: SOCKS4{} request for {} refused with {}: {}",
                context.serviceName(), context.sessionId(), context.clientAddress(),
                request.socks4a() ? "a" : "", target(), Socks4.describeReply(code), reason);
        finish();
        ctx.writeAndFlush(Socks4.encodeReply(ctx.alloc(), code)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && request == null && !finished) {
            LOGGER.info("service {}: connection {} from {}: the client ended its stream before a complete SOCKS4"
                    + " request; closing", context.serviceName(), context.sessionId(), context.clientAddress());
            finish();
            ctx.channel().close();
            return;
        }
        // After the request the holder keeps it for the relay, after the bytes that came before it.
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            LOGGER.info("service {}: connection {} from {}: {}; closing", context.serviceName(), context.sessionId(),
                    context.clientAddress(), describe(cause));
        } else {
            LOGGER.warn("service {}: connection {} from {}: SOCKS4 handler failed; closing", context.serviceName(),
                    context.sessionId(), context.clientAddress(), cause);
        }
        finish();
        ctx.channel().close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        finish();
    }

    /** Stops the clock; nothing more is done for this client afterwards. */
    private void finish() {
        finished = true;
        cancelTimer();
    }

    private void cancelTimer() {
        if (requestTimer != null) {
            requestTimer.cancel(false);
            requestTimer = null;
        }
    }

    private String target() {
        return HostPort.format(request.target());
    }

    private static String describe(Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() != null) {
            return describe(cause.getCause());
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
