package io.gost.runtime.limit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * Paces a client connection to its traffic limits, at the head of the client's pipeline (so it counts the
 * bytes on the wire, below TLS or WebSocket, as GOST does), for every handler alike: the runtime's relay, the
 * HTTP proxy's own forwarding, a plugin's.
 *
 * <ul>
 *   <li>{@code IN} (read from the client): each chunk read takes its size from the buckets; while they are in
 *       debt, a {@code read()} asked for is held back until the debt is paid. Nothing is read, so the kernel's
 *       buffers and TCP's window slow the client down.</li>
 *   <li>{@code OUT} (written to the client): a write within the limit goes to the socket at once; while the
 *       buckets are in debt, writes wait their turn, and a write's promise completes when it is written.
 *       Everything in gost reads its next chunk only after the previous write completed, so the reads
 *       upstream pause, and what waits here is at most what one read brought in (already in memory). A
 *       write larger than a sixteenth of a second's worth goes out in pieces of that size, so that one chunk
 *       cannot overshoot a low rate.</li>
 * </ul>
 * Reads from the client are sized the same way. Nothing sleeps; a wait is one timer on the event loop.
 */
public final class ThrottleHandler extends ChannelDuplexHandler {

    /** The name of this handler in a client's pipeline. */
    public static final String NAME = "gost-throttle";

    private final Throttle in;
    private final Throttle out;
    private final AutoCloseable onClose;
    private long nextReadNanos;
    private ScheduledFuture<?> pendingRead;
    private long nextWriteNanos = System.nanoTime();
    /** Writes waiting for the buckets, in order; a writer that reads after its write completes adds one read's worth. */
    private final Queue<PendingWrite> queued = new ArrayDeque<>();
    private ScheduledFuture<?> drainTimer;

    /**
     * @param in      paces reads from the client
     * @param out     paces writes to the client
     * @param onClose released when the channel closes (the limiter's per-client state), or {@code null}
     */
    public ThrottleHandler(Throttle in, Throttle out, AutoCloseable onClose) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.onClose = onClose;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        int limit = in.readSizeLimit();
        if (limit > 0) {
            ctx.channel().config().setRecvByteBufAllocator(
                    new AdaptiveRecvByteBufAllocator(Math.min(64, limit), Math.min(2048, limit), limit));
        }
    }

    // ---- IN ---------------------------------------------------------------------------------------------

    @Override
    public void read(ChannelHandlerContext ctx) {
        long wait = nextReadNanos - System.nanoTime();
        if (wait <= 0) {
            ctx.read();
        } else if (pendingRead == null) {
            pendingRead = ctx.executor().schedule(() -> {
                pendingRead = null;
                if (ctx.channel().isActive()) {
                    ctx.read();
                }
            }, wait, TimeUnit.NANOSECONDS);
        } // else: a read is already waiting for the same moment
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        int size = sizeOf(message);
        if (size > 0) {
            long wait = in.onRead(size);
            if (wait > 0) {
                nextReadNanos = System.nanoTime() + wait;
            }
        }
        ctx.fireChannelRead(message);
    }

    // ---- OUT --------------------------------------------------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (queued.isEmpty() && System.nanoTime() - nextWriteNanos >= 0 && !needsPieces(message)) {
            // Within the limit now: straight through, paid for at once.
            int size = sizeOf(message);
            if (size > 0) {
                payWrite(size);
            }
            ctx.write(message, promise);
            return;
        }
        queued.add(new PendingWrite(message, promise));
        drain(ctx);
    }

    private boolean needsPieces(Object message) {
        int piece = out.readSizeLimit();
        return piece > 0 && message instanceof ByteBuf buffer && buffer.readableBytes() > piece;
    }

    private void payWrite(int size) {
        long wait = out.onRead(size);
        if (wait > 0) {
            nextWriteNanos = System.nanoTime() + wait;
        }
    }

    /**
     * Writes what is due: the queued writes in order, each once the buckets are out of the debt the one before
     * left, a large one in pieces; then a timer for the rest. The promise of a queued write completes when its
     * last byte is written, so its writer reads on only then.
     */
    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!queued.isEmpty() && System.nanoTime() - nextWriteNanos >= 0) {
            PendingWrite head = queued.peek();
            int piece = out.readSizeLimit();
            if (piece > 0 && head.message instanceof ByteBuf buffer && buffer.readableBytes() > piece) {
                ByteBuf part = buffer.readRetainedSlice(piece);
                payWrite(piece);
                ctx.write(part).addListener(done -> {
                    if (!done.isSuccess()) {
                        head.promise.tryFailure(done.cause());
                    }
                });
            } else {
                queued.poll();
                int size = sizeOf(head.message);
                if (size > 0) {
                    payWrite(size);
                }
                ctx.write(head.message, head.promise);
            }
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (!queued.isEmpty() && drainTimer == null) {
            drainTimer = ctx.executor().schedule(() -> {
                drainTimer = null;
                drain(ctx);
            }, Math.max(0, nextWriteNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush(); // writes still queued are flushed when they go out
    }

    /** A write waiting for its turn. */
    private record PendingWrite(Object message, ChannelPromise promise) {
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pendingRead != null) {
            pendingRead.cancel(false);
            pendingRead = null;
        }
        if (drainTimer != null) {
            drainTimer.cancel(false);
            drainTimer = null;
        }
        for (PendingWrite write; (write = queued.poll()) != null; ) {
            ReferenceCountUtil.release(write.message());
            write.promise().tryFailure(new java.nio.channels.ClosedChannelException());
        }
        release();
    }

    private void release() {
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                // releasing a limiter's per-client count cannot fail
            }
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

    @Override
    public String toString() {
        return "ThrottleHandler[in=" + in + ", out=" + out + "]";
    }
}
