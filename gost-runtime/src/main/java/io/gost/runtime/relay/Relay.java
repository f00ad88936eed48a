package io.gost.runtime.relay;

import io.gost.api.RelayResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.gost.api.handshake.HeldInbound;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Moves bytes both ways between a client channel and an upstream channel: the one relay every handler
 * uses.
 *
 * <p>Modelled on Netty's HexDumpProxy: with auto-read off, each side reads one chunk, writes it to the
 * other side, and reads the next chunk only once that write has reached the socket. A slow reader
 * therefore stops the fast writer at the kernel's buffers, and the relay holds at most one chunk per
 * direction in memory.
 *
 * <p>Half-close: when one side's input ends (the peer sent FIN), the chunk in flight is written, then the
 * other side's output is shut down, so the peer there sees end-of-stream while the opposite direction
 * keeps flowing. When both directions have ended, or on any error or close of either side, both channels
 * are closed and the result completes.
 *
 * <p>Idle limit (off unless asked for): with an idle timeout, each chunk read from either side stamps the
 * time, and one timer per relay compares that stamp with the clock, rescheduling itself for the rest of the
 * period; a relay that carried nothing in either direction for the whole period is ended with a
 * {@link TimeoutException}. Without one, no clock is read and no timer exists.
 *
 * <p>All state lives on the client channel's event loop; the upstream channel is normally registered
 * on the same loop, and when it is not, its events are handed over to that loop.
 */
public final class Relay {

    /** The name of the relay's handler in both pipelines. */
    public static final String HANDLER_NAME = "gost-relay";

    /** The name of the handler {@link #holdInbound} adds. */
    public static final String HOLD_HANDLER_NAME = "gost-relay-hold";

    private final Channel client;
    private final Channel upstream;
    private final EventLoop loop;
    private final Promise<RelayResult> result;
    private final long startNanos = System.nanoTime();
    private final Direction fromClient;
    private final Direction toClient;
    /** Hears of every chunk moved, for live statistics; {@code null} for nobody. */
    private final Progress progress;
    /** {@code null} without an idle limit: a relay that has none does not carry its fields. */
    private final IdleLimit idleLimit;
    private boolean finished;

    /** The idle limit's state, apart because most relays have no limit and an idle pair pays for every field. */
    private static final class IdleLimit {
        final long timeoutNanos;
        /** When a chunk was last read from either side. */
        long lastActivityNanos;
        ScheduledFuture<?> check;

        IdleLimit(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
        }
    }

    private Relay(Channel client, Channel upstream, Duration idleTimeout, Progress progress) {
        this.client = client;
        this.progress = progress;
        this.upstream = upstream;
        this.idleLimit = idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()
                ? null : new IdleLimit(idleTimeout.toNanos());
        this.loop = client.eventLoop();
        this.result = loop.newPromise();
        this.fromClient = new Direction(client, upstream);
        this.toClient = new Direction(upstream, client);
    }

    /**
     * Starts relaying between two registered channels and takes ownership of both: they are closed when
     * the relay ends.
     *
     * @return completes exactly once, never fails: byte counts, duration and the error that ended the
     *         relay ({@code null} when both directions ended with a clean close)
     */
    public static Future<RelayResult> start(Channel client, Channel upstream) {
        return start(client, upstream, null);
    }

    /**
     * As {@link #start(Channel, Channel)}, and ends the relay when no chunk was read from either side for
     * {@code idleTimeout}; the result's error is then a {@link TimeoutException} saying so.
     *
     * @param idleTimeout {@code null} or zero for no limit
     */
    public static Future<RelayResult> start(Channel client, Channel upstream, Duration idleTimeout) {
        return start(client, upstream, idleTimeout, null);
    }

    /**
     * Hears of the bytes a relay moves, chunk by chunk, on the relay's event loop: a service's live
     * counters. Must be cheap and never block.
     */
    @FunctionalInterface
    public interface Progress {
        /** A chunk was read from one side: {@code fromClient} or {@code toClient} bytes (the other is 0). */
        void moved(long fromClient, long toClient);
    }

    /**
     * As {@link #start(Channel, Channel, Duration)}, telling {@code progress} of every chunk as it is read
     * (the result still carries the totals).
     *
     * @param progress {@code null} for nobody
     */
    public static Future<RelayResult> start(Channel client, Channel upstream, Duration idleTimeout, Progress progress) {
        Relay relay = new Relay(client, upstream, idleTimeout, progress);
        relay.onLoop(relay::begin);
        return relay.result;
    }

    /**
     * Keeps the bytes (and the end of stream) that {@code channel}'s transport reads from now on, until
     * {@link #start} takes them over; install it as soon as nothing else handles the channel's input, e.g.
     * while the upstream is being dialed. It goes last in the pipeline, so handlers added after it see
     * nothing. Held bytes are released if the channel closes before a relay starts.
     *
     * <p>Needed because auto-read off does not stop every read: with epoll, a peer's FIN makes the
     * transport read everything buffered, and without a holder those bytes would be dropped.
     */
    public static void holdInbound(Channel channel) {
        holdInbound(channel, null);
    }

    /**
     * As {@link #holdInbound(Channel)}, and tells {@code errors} of a transport error that arrives meanwhile
     * (the channel is then closed, and a relay started on it ends with that error).
     *
     * @param errors {@code null} for nobody
     */
    public static void holdInbound(Channel channel, Consumer<Throwable> errors) {
        channel.pipeline().addLast(HOLD_HANDLER_NAME, new InboundHold(errors));
    }

    private void begin() {
        for (Direction direction : new Direction[] {fromClient, toClient}) {
            Channel source = direction.source;
            // Both are the handlers' contract already; setting them again costs nothing and keeps a
            // plugin that forgot one from flooding memory (auto-read) or losing the last chunk (EOF closing).
            source.config().setAutoRead(false);
            source.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            source.pipeline().addLast(HANDLER_NAME, direction);
        }
        if (!client.isActive() || !upstream.isActive()) {
            // A reset while the upstream was dialed is the reason, if the hold kept one.
            Throwable error = InboundHold.errorOf(client);
            if (error == null) {
                error = InboundHold.errorOf(upstream);
            }
            finish(error != null ? error : new ClosedChannelException());
            return;
        }
        if (idleLimit != null) {
            idleLimit.lastActivityNanos = System.nanoTime();
            idleLimit.check = loop.schedule(this::checkIdle, idleLimit.timeoutNanos, TimeUnit.NANOSECONDS);
        }
        fromClient.begin();
        toClient.begin();
    }

    /** The idle timer: ends an idle relay, or waits for the rest of the period since the last chunk. */
    private void checkIdle() {
        if (finished) {
            return;
        }
        long idleNanos = System.nanoTime() - idleLimit.lastActivityNanos;
        if (idleNanos >= idleLimit.timeoutNanos) {
            long millis = Duration.ofNanos(idleLimit.timeoutNanos).toMillis();
            finish(new TimeoutException("no data in either direction for "
                    + (millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms") + " (idleTimeout)"));
        } else {
            idleLimit.check = loop.schedule(this::checkIdle, idleLimit.timeoutNanos - idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void finish(Throwable error) {
        if (finished) {
            return;
        }
        finished = true;
        if (idleLimit != null && idleLimit.check != null) {
            idleLimit.check.cancel(false);
        }
        client.close();
        upstream.close();
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
        if (message instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }

    /**
     * One direction: the handler in {@code source}'s pipeline, and the listener of the writes to
     * {@code sink}. Not sharable: it belongs to exactly one relay.
     */
    private final class Direction extends ChannelInboundHandlerAdapter implements ChannelFutureListener {

        private final Channel source;
        private final Channel sink;
        private long bytes;
        private int writesInFlight;
        private boolean inputEnded;
        private boolean outputShutDown;
        /** The sink's output is shut down: this direction has ended cleanly. */
        private boolean ended;

        Direction(Channel source, Channel sink) {
            this.source = source;
            this.sink = sink;
        }

        /** The other direction; computed rather than kept, one field less per direction of an idle pair. */
        private Direction opposite() {
            return this == fromClient ? toClient : fromClient;
        }

        void begin() {
            if (source instanceof DuplexChannel duplex && duplex.isInputShutdown()) {
                endInput();
            } else if (writesInFlight == 0) {
                source.read();
            } // else: held bytes are being written; the next read follows their completion
        }

        /** Takes over what {@link #holdInbound} kept, in order, before any new read arrives. */
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            List<Object> held = new ArrayList<>(2);
            boolean endOfStream = false;
            // What a connector kept after its hop's answer (bytes, and perhaps the hop's FIN) comes first.
            HeldInbound fromHandshake = ctx.pipeline().get(HeldInbound.class);
            if (fromHandshake != null) {
                held.addAll(fromHandshake.drain());
                endOfStream = fromHandshake.inputEnded();
                ctx.pipeline().remove(fromHandshake);
            }
            if (ctx.pipeline().get(HOLD_HANDLER_NAME) instanceof InboundHold hold) {
                for (Object message; (message = hold.poll()) != null; ) {
                    held.add(message);
                }
                endOfStream |= hold.inputShutdown();
                ctx.pipeline().remove(hold);
            }
            if (!held.isEmpty() || endOfStream) {
                boolean ended = endOfStream;
                onLoop(() -> replay(held, ended));
            }
        }

        private void replay(List<Object> held, boolean endOfStream) {
            // Known before the writes complete, so that no read is asked of a channel whose input is shut
            // down (the epoll transport closes the channel when asked).
            inputEnded |= endOfStream;
            held.forEach(this::forward);
            if (endOfStream) {
                endInput();
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
            if (finished) {
                ReferenceCountUtil.release(message);
                return;
            }
            int size = sizeOf(message);
            bytes += size;
            if (progress != null && size > 0) {
                if (source == client) {
                    progress.moved(size, 0);
                } else {
                    progress.moved(0, size);
                }
            }
            if (idleLimit != null) {
                idleLimit.lastActivityNanos = System.nanoTime();
            }
            writesInFlight++;
            sink.writeAndFlush(message).addListener(this);
        }

        /** A write to the sink finished. */
        @Override
        public void operationComplete(ChannelFuture write) {
            if (loop.inEventLoop()) {
                written(write);
            } else {
                loop.execute(() -> written(write));
            }
        }

        private void written(ChannelFuture write) {
            writesInFlight--;
            if (finished) {
                return;
            }
            if (!write.isSuccess()) {
                finish(write.cause());
            } else if (writesInFlight == 0) {
                if (inputEnded) {
                    shutDownSinkOutput();
                } else {
                    source.read();
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == ChannelInputShutdownEvent.INSTANCE) {
                onLoop(this::endInput);
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        private void endInput() {
            inputEnded = true;
            if (writesInFlight == 0) {
                shutDownSinkOutput();
            }
        }

        /** Passes the end of the source's stream on, once everything read before it is written. */
        private void shutDownSinkOutput() {
            if (finished || outputShutDown) {
                return;
            }
            if (!(sink instanceof DuplexChannel duplex)) {
                // Nothing can carry a half-close on this kind of channel: end the whole relay.
                finish(null);
                return;
            }
            if (opposite().ended) {
                // The other direction is over and everything read here is written: closing sends the same
                // FIN as shutdownOutput would (nothing is left unread), and saves a system call and an
                // epoll update per connection.
                finish(null);
                return;
            }
            outputShutDown = true;
            duplex.shutdownOutput().addListener(shutdown -> onLoop(() -> {
                if (!shutdown.isSuccess()) {
                    finish(shutdown.cause());
                    return;
                }
                ended = true;
                if (opposite().ended) {
                    finish(null);
                } else {
                    // From now on the sink is only read from. At its end of stream, Netty's half-close would
                    // shut its input down, which fails with ENOTCONN once both FINs have crossed and costs a
                    // system call and an exception per connection; closing it is cheaper and means the same.
                    // channelInactive then ends the opposite direction like an end of stream.
                    sink.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                }
            }));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onLoop(() -> {
                if (opposite().ended) {
                    // Nothing more goes to the source, and nothing more comes from it: pass on what was read,
                    // then end (the source closed at its end of stream, see shutDownSinkOutput).
                    endInput();
                } else {
                    finish(null);
                }
            });
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            onLoop(() -> finish(cause));
        }
    }
}
