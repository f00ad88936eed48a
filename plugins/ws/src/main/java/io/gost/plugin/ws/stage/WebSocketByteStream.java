package io.gost.plugin.ws.stage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The byte stream over WebSocket messages, as GOST carries it: every write is one binary message (split at
 * {@code writeMessageSize} if set), and the payload of every data message read, binary or text, is passed on
 * as bytes. Pings are answered; a close message is the peer's end of stream; closing the connection sends a
 * close message first when the connection can still carry it.
 *
 * <p>Reads follow the consumer's demand (auto-read off): a read that brought only control messages, which
 * are consumed here, asks the socket for more, so the consumer's {@code read()} is never left unanswered.
 *
 * <p>With a ping interval (the client's {@code ws.keepalive}), a ping goes out every interval and the
 * connection is closed when nothing at all came in for twice the interval, GOST's read deadline.
 */
final class WebSocketByteStream extends ChannelDuplexHandler {

    private final int writeMessageSize;
    private final Duration pingInterval;
    /** A read was asked for and nothing has been passed on since. */
    private boolean readPending;
    private boolean inputEnded;
    private boolean closeSent;
    private long lastInboundNanos;
    private ScheduledFuture<?> pinger;

    WebSocketByteStream(int writeMessageSize, Duration pingInterval) {
        this.writeMessageSize = writeMessageSize;
        this.pingInterval = pingInterval;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastInboundNanos = System.nanoTime();
        if (!pingInterval.isZero() && !pingInterval.isNegative()) {
            long interval = pingInterval.toNanos();
            pinger = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), interval, interval, TimeUnit.NANOSECONDS);
        }
    }

    private void ping(ChannelHandlerContext ctx) {
        if (System.nanoTime() - lastInboundNanos > 2 * pingInterval.toNanos()) {
            ctx.fireExceptionCaught(new TimeoutException("the WebSocket peer answered no ping within "
                    + 2 * pingInterval.toMillis() + "ms (ws.keepalive)"));
            ctx.close();
            return;
        }
        ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pinger != null) {
            pinger.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        lastInboundNanos = System.nanoTime();
        if (!(message instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(message);
            return;
        }
        if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame
                || frame instanceof ContinuationWebSocketFrame) {
            ByteBuf payload = frame.content();
            if (payload.isReadable() && !inputEnded) {
                readPending = false;
                ctx.fireChannelRead(payload.retain());
            }
            frame.release();
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
        } else if (frame instanceof CloseWebSocketFrame) {
            frame.release();
            endInput(ctx);
        } else {
            ReferenceCountUtil.release(frame); // pongs keep the connection alive; nothing else to do
        }
    }

    private void endInput(ChannelHandlerContext ctx) {
        if (!inputEnded) {
            inputEnded = true;
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readPending && !inputEnded && !ctx.channel().config().isAutoRead()) {
            ctx.read(); // only control messages came: the consumer still waits for bytes
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            if (!inputEnded) {
                inputEnded = true;
                ctx.fireUserEventTriggered(event);
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        readPending = true;
        ctx.read();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (!(message instanceof ByteBuf bytes)) {
            ctx.write(message, promise);
            return;
        }
        if (writeMessageSize <= 0 || bytes.readableBytes() <= writeMessageSize) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
            return;
        }
        // Split: each piece its own message; the promise completes with the last one.
        while (bytes.readableBytes() > writeMessageSize) {
            ctx.write(new BinaryWebSocketFrame(bytes.readRetainedSlice(writeMessageSize)), ctx.voidPromise());
        }
        ctx.write(new BinaryWebSocketFrame(bytes), promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!closeSent && ctx.channel().isActive()) {
            closeSent = true;
            // A goodbye reverse proxies and browsers understand; GOST's own peers just see the connection end.
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(written -> ctx.close(promise));
            return;
        }
        ctx.close(promise);
    }
}
