package io.gost.api.datagram;

import io.gost.api.ListenContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Demultiplexes a datagram channel shared by many clients into one {@link DatagramSessionChannel} per client
 * address, and hands each new session to an acceptor like a connection: GOST's UDP listener
 * ({@code x/internal/net/udp/listener.go}), for a listening UDP socket or for a tunnel from a hop that listens
 * for the service (rudp through a chain).
 *
 * <p>Add it to the shared channel's pipeline (which should read continuously, auto-read on). The first datagram
 * from an address opens its session; the acceptor gets the session registered and active, auto-read off, with
 * that datagram waiting. The bounds, from {@link Options}:
 * <ul>
 *   <li>{@code maxSessions}: sessions open at once. A datagram from a new address beyond it is dropped, so a
 *       flood from many source addresses cannot grow memory past it;</li>
 *   <li>{@code backlog}: sessions whose handler has not started reading yet (it is still reaching the target).
 *       Beyond it datagrams from new addresses are dropped (GOST: its accept queue is full);</li>
 *   <li>{@code readQueueSize}: datagrams waiting in one session; more are dropped;</li>
 *   <li>{@code readBufferSize}: the longest datagram; longer ones are cut to it (a UDP socket's read does the
 *       same, and this cuts datagrams from a tunnel alike);</li>
 *   <li>{@code ttl}: every {@code ttl} a sweep closes the sessions that had no traffic either way since the
 *       previous sweep, so an idle session lives between {@code ttl} and twice that, as in GOST;</li>
 *   <li>{@code keepalive}: without it a session ends after its first datagram to the client (GOST's default;
 *       gost-java's listeners default to keeping sessions).</li>
 * </ul>
 * Drops are counted ({@link #dropped()}, {@link #refused()}) and reported at most once a second.
 *
 * <p>Sessions are closed with the shared channel, or when this handler is removed. One instance per channel,
 * used on its event loop (the counters may be read from anywhere).
 */
public final class DatagramSessions extends ChannelInboundHandlerAdapter {

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(DatagramSessions.class);
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * The bounds of a shared channel's sessions.
     *
     * @param ttl            how long a session may carry nothing before a sweep closes it (one to two times it)
     * @param readBufferSize the longest datagram, 1..65535 bytes; longer ones are cut
     * @param readQueueSize  datagrams waiting in one session before more are dropped, at least 1
     * @param backlog        sessions waiting for their handler to start reading, at least 1
     * @param maxSessions    sessions open at once, at least 1
     * @param keepalive      false: a session ends after its first datagram to the client
     */
    public record Options(Duration ttl, int readBufferSize, int readQueueSize, int backlog, int maxSessions,
                          boolean keepalive) {

        /** The largest UDP payload over IPv4 and the most a 16-bit length can say. */
        public static final int MAX_DATAGRAM = 65535;

        public Options {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isZero() || ttl.isNegative()) {
                throw new IllegalArgumentException("ttl must be positive, got " + ttl);
            }
            if (readBufferSize < 1 || readBufferSize > MAX_DATAGRAM) {
                throw new IllegalArgumentException("readBufferSize must be 1.." + MAX_DATAGRAM + ", got " + readBufferSize);
            }
            if (readQueueSize < 1) {
                throw new IllegalArgumentException("readQueueSize must be at least 1, got " + readQueueSize);
            }
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
            }
            if (maxSessions < 1) {
                throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
            }
        }
    }

    private final Options options;
    private final ListenContext.Acceptor acceptor;
    private final String owner;
    private final SocketAddress localAddress;
    private final Map<InetSocketAddress, DatagramSessionChannel> sessions = new HashMap<>();
    /** Sessions that got datagrams during the shared channel's current read. */
    private final List<DatagramSessionChannel> touched = new ArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile int open;
    private int waiting;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> sweeper;
    private boolean closed;
    private long unreportedRefusals;
    private long unreportedDrops;
    private long nextReportNanos = System.nanoTime();

    /**
     * @param options      the bounds
     * @param acceptor     receives each new session, on the shared channel's event loop
     * @param owner        names the service (or binding) in log lines, e.g. {@code service udp-0}
     * @param localAddress what sessions report as their local address (the address the clients sent to), or
     *                     {@code null} for the shared channel's own
     */
    public DatagramSessions(Options options, ListenContext.Acceptor acceptor, String owner, SocketAddress localAddress) {
        this.options = Objects.requireNonNull(options, "options");
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.localAddress = localAddress;
    }

    /** The bounds. */
    public Options options() {
        return options;
    }

    /** Sessions open now. */
    public int openSessions() {
        return open;
    }

    /** Sessions opened since the start. */
    public long accepted() {
        return accepted.get();
    }

    /** Datagrams from new addresses dropped because {@code maxSessions} or {@code backlog} was reached. */
    public long refused() {
        return refused.get();
    }

    /** Datagrams of open sessions dropped: a full session queue, or a shared channel that could not take more. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long period = options.ttl().toNanos();
        sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof DatagramPacket packet) || packet.sender() == null) {
            DatagramSessionChannel.discard(message);
            return;
        }
        ByteBuf content = packet.content();
        if (content.readableBytes() > options.readBufferSize()) {
            content.writerIndex(content.readerIndex() + options.readBufferSize());
        }
        DatagramSessionChannel session = sessions.get(packet.sender());
        if (session == null) {
            session = open(packet.sender());
            if (session == null) {
                packet.release();
                return;
            }
        }
        session.receive(packet);
    }

    private DatagramSessionChannel open(InetSocketAddress peer) {
        if (closed) {
            return null;
        }
        if (sessions.size() >= options.maxSessions()) {
            refuse(peer, sessions.size() + " sessions are open, the limit (maxSessions)");
            return null;
        }
        if (waiting >= options.backlog()) {
            refuse(peer, waiting + " new sessions are still waiting for their handler (backlog)");
            return null;
        }
        SocketAddress local = localAddress != null ? localAddress : ctx.channel().localAddress();
        DatagramSessionChannel session = new DatagramSessionChannel(ctx.channel(), this, peer, local,
                options.readQueueSize(), options.keepalive());
        ChannelFuture registered = ctx.channel().eventLoop().register(session);
        if (!registered.isSuccess()) {
            LOGGER.warn("{}: cannot register the session of {}: {}", owner, peer, registered.cause());
            session.unsafe().closeForcibly();
            return null;
        }
        sessions.put(peer, session);
        open = sessions.size();
        waiting++;
        accepted.incrementAndGet();
        try {
            acceptor.accept(session);
        } catch (RuntimeException e) {
            LOGGER.warn("{}: the session of {} could not be handed over; closing it", owner, peer, e);
            session.close();
        }
        return session.isOpen() ? session : null;
    }

    /** The session got a datagram during this read; it is told when the read is over. */
    void touched(DatagramSessionChannel session) {
        touched.add(session);
    }

    /** Its handler started reading: it no longer counts against the backlog. */
    void started(DatagramSessionChannel session) {
        waiting--;
    }

    void closed(DatagramSessionChannel session, boolean started) {
        sessions.remove(session.peer(), session);
        open = sessions.size();
        if (!started) {
            waiting--;
        }
    }

    void dropped(DatagramSessionChannel session, String why) {
        dropped.incrementAndGet();
        unreportedDrops++;
        report(() -> "dropped " + unreportedDrops + " datagram(s) of open sessions (latest from or to "
                + session.peer() + ": " + why + ")");
    }

    private void refuse(InetSocketAddress peer, String why) {
        refused.incrementAndGet();
        unreportedRefusals++;
        report(() -> "dropped " + unreportedRefusals + " datagram(s) from new clients (latest from " + peer + "): "
                + why);
    }

    /** At most one line a second, so that a flood does not become a flood of log lines. */
    private void report(java.util.function.Supplier<String> line) {
        long now = System.nanoTime();
        if (now - nextReportNanos >= 0) {
            nextReportNanos = now + REPORT_INTERVAL_NANOS;
            LOGGER.warn("{}: {}", owner, line.get());
            unreportedDrops = 0;
            unreportedRefusals = 0;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!touched.isEmpty()) {
            // Copied: a session's readComplete may lead to more datagrams (and more touched sessions) at once.
            List<DatagramSessionChannel> batch = new ArrayList<>(touched);
            touched.clear();
            for (DatagramSessionChannel session : batch) {
                session.readBatchComplete();
            }
        }
        ctx.fireChannelReadComplete();
    }

    private void sweep() {
        for (DatagramSessionChannel session : new ArrayList<>(sessions.values())) {
            if (session.idleSinceLastSweep()) {
                LOGGER.debug("{}: session of {} idle for a ttl ({}); closing it", owner, session.peer(),
                        options.ttl());
                session.close();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closeAll();
    }

    /**
     * A tunnel over a stream whose far end sent FIN carries no more datagrams: with half-closure allowed the channel
     * would stay open (and a binding over it alive) forever, so it is closed.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // One client's trouble (an ICMP error, a send that failed) is not the shared channel's end.
        LOGGER.debug("{}: error on the shared datagram channel {}", owner, ctx.channel(), cause);
    }

    private void closeAll() {
        if (closed) {
            return;
        }
        closed = true;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (DatagramSessionChannel session : new ArrayList<>(sessions.values())) {
            session.close();
        }
    }

    @Override
    public String toString() {
        return "DatagramSessions[" + owner + ", " + open + " open]";
    }
}
