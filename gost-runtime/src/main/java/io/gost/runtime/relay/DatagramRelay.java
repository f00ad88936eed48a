package io.gost.runtime.relay;

import io.gost.api.RelayResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves datagrams both ways between two datagram channels (see {@code io.gost.api.datagram}): a client's session
 * or tunnel, and an upstream socket, association or tunnel. The datagram counterpart of {@link Relay}, and
 * different from it where datagrams differ from a stream:
 *
 * <ul>
 *   <li>each packet goes on unchanged, with its addresses, so that a destination a client named reaches an
 *       association and a target's source reaches a client that wants to know it;</li>
 *   <li>both channels read continuously (auto-read on), and a datagram whose other side cannot take it (not
 *       writable) is dropped and counted, as a full socket buffer drops it: UDP has no backpressure, and holding
 *       datagrams back would only grow memory and latency;</li>
 *   <li>writes are flushed once per read, so that a burst goes out in one system call where the transport can
 *       ({@code sendmmsg} on epoll);</li>
 *   <li>there is no half-close: the relay ends, closing both, when either channel closes (a session idle for its
 *       {@code ttl}, a tunnel that ended) or when a target answers "port unreachable" (as GOST's session ends on
 *       that read error), or after {@code idleTimeout} without a datagram either way.</li>
 * </ul>
 *
 * <p>All state lives on the client channel's event loop.
 */
public final class DatagramRelay {

    private static final Logger LOGGER = LoggerFactory.getLogger(DatagramRelay.class);

    /** The name of the relay's handler in both pipelines. */
    public static final String HANDLER_NAME = "gost-datagram-relay";

    private final Channel client;
    private final Channel upstream;
    private final EventLoop loop;
    private final Promise<RelayResult> result;
    private final long startNanos = System.nanoTime();
    private final Direction fromClient;
    private final Direction toClient;
    private final long idleTimeoutNanos;
    private long lastActivityNanos;
    private ScheduledFuture<?> idleCheck;
    private boolean finished;

    private DatagramRelay(Channel client, Channel upstream, Duration idleTimeout) {
        this.client = client;
        this.upstream = upstream;
        this.loop = client.eventLoop();
        this.result = loop.newPromise();
        this.idleTimeoutNanos = idleTimeout == null || idleTimeout.isNegative() ? 0 : idleTimeout.toNanos();
        this.fromClient = new Direction(client, upstream);
        this.toClient = new Direction(upstream, client);
    }

    /**
     * Starts relaying between two registered datagram channels and takes ownership of both: they are closed when
     * the relay ends.
     *
     * @param idleTimeout {@code null} or zero for no limit beyond the channels' own
     * @return completes exactly once, never fails: bytes each way, duration, and what ended the relay
     *         ({@code null} when a channel simply closed)
     */
    public static Future<RelayResult> start(Channel client, Channel upstream, Duration idleTimeout) {
        DatagramRelay relay = new DatagramRelay(client, upstream, idleTimeout);
        relay.onLoop(relay::begin);
        return relay.result;
    }

    private void begin() {
        fromClient.install();
        toClient.install();
        if (!client.isActive() || !upstream.isActive()) {
            finish(new ClosedChannelException());
            return;
        }
        if (idleTimeoutNanos > 0) {
            lastActivityNanos = System.nanoTime();
            idleCheck = loop.schedule(this::checkIdle, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        fromClient.begin();
        toClient.begin();
    }

    private void checkIdle() {
        if (finished) {
            return;
        }
        long idleNanos = System.nanoTime() - lastActivityNanos;
        if (idleNanos >= idleTimeoutNanos) {
            long millis = Duration.ofNanos(idleTimeoutNanos).toMillis();
            finish(new TimeoutException("no datagram in either direction for "
                    + (millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms") + " (idleTimeout)"));
        } else {
            idleCheck = loop.schedule(this::checkIdle, idleTimeoutNanos - idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void finish(Throwable error) {
        if (finished) {
            return;
        }
        finished = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        client.close();
        upstream.close();
        if (fromClient.dropped + toClient.dropped > 0) {
            LOGGER.debug("datagram relay {} <-> {}: dropped {} datagram(s) from the client and {} to it (the other"
                            + " side could not take them)", client.remoteAddress(), upstream.remoteAddress(),
                    fromClient.dropped, toClient.dropped);
        }
        result.trySuccess(new RelayResult(fromClient.bytes, toClient.bytes,
                Duration.ofNanos(System.nanoTime() - startNanos), error));
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private static int sizeOf(Object message) {
        if (message instanceof ByteBuf buffer) {
            return buffer.readableBytes();
        }
        return message instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
    }

    /** One direction: the handler in {@code source}'s pipeline. Belongs to exactly one relay. */
    private final class Direction extends ChannelInboundHandlerAdapter {

        private final Channel source;
        private final Channel sink;
        private long bytes;
        private long dropped;
        private boolean unflushed;

        Direction(Channel source, Channel sink) {
            this.source = source;
            this.sink = sink;
        }

        void install() {
            source.pipeline().addLast(HANDLER_NAME, this);
        }

        void begin() {
            // Auto-read: a datagram channel is read as fast as it delivers; what the sink cannot take is dropped.
            // Setting it asks for the first read, which also replays what a connector held behind its answer.
            source.config().setAutoRead(true);
        }

        /** Takes over what the runtime held for this channel before the relay started (datagrams, in order). */
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.pipeline().get(Relay.HOLD_HANDLER_NAME) instanceof InboundHold hold) {
                for (Object message; (message = hold.poll()) != null; ) {
                    Object held = message;
                    onLoop(() -> forward(held));
                }
                ctx.pipeline().remove(hold);
                onLoop(this::flushIfNeeded);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (loop.inEventLoop()) {
                forward(message);
            } else {
                loop.execute(() -> forward(message));
            }
        }

        private void forward(Object message) {
            if (finished || !(message instanceof DatagramPacket || message instanceof ByteBuf)) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (!sink.isActive() || !sink.isWritable()) {
                ReferenceCountUtil.release(message);
                dropped++;
                return;
            }
            bytes += sizeOf(message);
            if (idleTimeoutNanos > 0) {
                lastActivityNanos = System.nanoTime();
            }
            sink.write(message, sink.voidPromise());
            unflushed = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            onLoop(this::flushIfNeeded);
        }

        private void flushIfNeeded() {
            if (unflushed && !finished) {
                unflushed = false;
                sink.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onLoop(() -> finish(null));
            ctx.fireChannelInactive();
        }

        /** A tunnel's stream that ended (FIN, half-closure allowed) ends the relay as a close does. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                onLoop(() -> finish(null));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof PortUnreachableException) {
                // A connected socket's target said nobody listens there: GOST's session ends on that error too.
                onLoop(() -> finish(cause));
            } else {
                LOGGER.debug("datagram relay: error on {} (the relay goes on)", ctx.channel(), cause);
            }
        }
    }
}
