package io.gost.runtime.transport;

import io.gost.api.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's one transport: an acceptor group (one thread), an I/O group, the matching channel
 * types and a non-blocking DNS resolver, all shut down together by {@link #close()}.
 *
 * <p>By default ({@code auto}) native epoll, else NIO, the fallback logged once at info with its reason.
 * {@code -Dgost.transport} or {@code --transport} names one instead, strictly: {@code io_uring} and
 * {@code epoll} fail with the reason when they cannot run here (io_uring needs {@code kernel.io_uring_disabled=0}
 * and no seccomp profile that forbids it, as container runtimes often have), {@code nio} rules the native
 * transports out (e.g. when chasing a bug). io_uring is not the default despite its lead on new connections:
 * docs/performance.md, "io_uring as the default (session 8)", says why.
 *
 * <p>The resolver answers names from {@code /etc/hosts} (so {@code localhost} needs no DNS server) and IP
 * literals without any DNS traffic; other names are asked of the servers in {@code /etc/resolv.conf}
 * without blocking an event loop.
 */
public final class NettyTransport implements Transport, AutoCloseable {

    /** The system property that chooses the transport: {@code io_uring}, {@code epoll}, {@code nio} or unset. */
    public static final String TRANSPORT_PROPERTY = "gost.transport";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NettyTransport.class);

    /** Shutdown waits this long for tasks that arrive late; small, as GOST does not drain either. */
    private static final long QUIET_PERIOD_MILLIS = 50;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

    private final String name;
    private final EventLoopGroup acceptorGroup;
    private final EventLoopGroup ioGroup;
    private final ChannelFactory<? extends ServerChannel> serverSocketChannelFactory;
    private final ChannelFactory<? extends SocketChannel> socketChannelFactory;
    private final ChannelFactory<? extends DatagramChannel> datagramChannelFactory;
    private final DnsAddressResolverGroup resolver;
    private boolean closed;

    /** Each fallback of {@code auto} and io_uring's caveat are logged once per process, not per transport. */
    private static final java.util.Set<String> LOGGED_ONCE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void startEveryLoop(EventLoopGroup group) {
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            loop.submit(() -> { }).syncUninterruptibly();
        }
    }

    private NettyTransport(String name, IoHandlerFactory ioHandlerFactory, int ioThreads,
                           ChannelFactory<? extends ServerChannel> serverSocketChannelFactory,
                           ChannelFactory<? extends SocketChannel> socketChannelFactory,
                           ChannelFactory<? extends DatagramChannel> datagramChannelFactory) {
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must be 0 (Netty's default) or more, got " + ioThreads);
        }
        this.name = name;
        this.serverSocketChannelFactory = serverSocketChannelFactory;
        this.socketChannelFactory = socketChannelFactory;
        this.datagramChannelFactory = datagramChannelFactory;
        this.acceptorGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gost-accept"),
                ioHandlerFactory);
        try {
            this.ioGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("gost-io"),
                    ioHandlerFactory);
        } catch (RuntimeException | Error e) {
            // A ring that cannot be set up (e.g. out of locked memory) fails here: no acceptor thread stays behind.
            acceptorGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            throw e;
        }
        // Netty starts event-loop threads lazily, and a new Linux thread inherits the network namespace of
        // the thread that starts it: the first bind on a namespace thread would pull every loop (and so
        // every later dial) into that namespace. Start them all now, from the process's own namespace.
        startEveryLoop(acceptorGroup);
        startEveryLoop(ioGroup);
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelFactory(datagramChannelFactory)
                .socketChannelFactory(socketChannelFactory)
                .nameServerProvider(DnsServerAddressStreamProviders.platformDefault()));
    }

    /**
     * The best transport for this machine, unless {@value #TRANSPORT_PROPERTY} says otherwise.
     *
     * @param ioThreads I/O threads; 0 means Netty's default (twice the cores)
     * @throws IllegalArgumentException when the property names an unknown transport
     * @throws IllegalStateException    when the property asks for epoll and it cannot be loaded
     */
    public static NettyTransport create(int ioThreads) {
        return create(ioThreads, System.getProperty(TRANSPORT_PROPERTY, ""));
    }

    /**
     * The transport called {@code wanted}: {@code io_uring}, {@code epoll} or {@code nio}, or for {@code auto}
     * or an empty value the best that works here: epoll, else NIO, the fallback logged once at info with the
     * reason. io_uring is chosen only by name: with Netty 4.2.18 a dialed socket's writes can stall for good
     * once its peer has sent its FIN (docs/performance.md, "io_uring as the default (session 8)").
     *
     * @throws IllegalArgumentException when {@code wanted} names no transport
     * @throws IllegalStateException    when the named native transport cannot be loaded here, with why
     */
    public static NettyTransport create(int ioThreads, String wanted) {
        String name = wanted == null ? "" : wanted.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "", "auto" -> best(ioThreads);
            case "nio" -> nio(ioThreads);
            case "epoll" -> epoll(ioThreads);
            case "io_uring", "iouring", "io-uring" -> ioUring(ioThreads);
            default -> throw new IllegalArgumentException("transport '" + wanted + "' is not one; use auto (the"
                    + " default), io_uring, epoll or nio");
        };
    }

    private static NettyTransport best(int ioThreads) {
        if (Epoll.isAvailable()) {
            return epoll(ioThreads);
        }
        logFallbackOnce("epoll", "nio", String.valueOf(Epoll.unavailabilityCause()));
        return nio(ioThreads);
    }

    private static void logFallbackOnce(String unavailable, String instead, String reason) {
        if (LOGGED_ONCE.add(unavailable)) {
            LOG.info("transport: using {}, the native {} transport is not available here ({})", instead, unavailable,
                    reason);
        }
    }

    /**
     * Linux's native io_uring transport.
     *
     * @throws IllegalStateException when the kernel or the native library does not allow it, with why
     */
    public static NettyTransport ioUring(int ioThreads) {
        if (!IoUring.isAvailable()) {
            throw new IllegalStateException("the native io_uring transport is not available here ("
                    + IoUring.unavailabilityCause() + "); use transport epoll or nio", IoUring.unavailabilityCause());
        }
        if (LOGGED_ONCE.add("io_uring-caveat")) {
            // Chosen by name only; whoever chooses it should know what keeps it from being the default.
            LOG.warn("transport: io_uring with Netty 4.2.18 can stall a dialed connection's writes after the peer's"
                    + " FIN and needs about 200 KiB per UDP session; epoll (the default) has neither problem"
                    + " (docs/performance.md, \"io_uring as the default\")");
        }
        return new NettyTransport("io_uring", IoUringIoHandler.newFactory(), ioThreads,
                IoUringServerSocketChannel::new, IoUringSocketChannel::new, IoUringDatagramChannel::new);
    }

    /** The portable NIO transport. */
    public static NettyTransport nio(int ioThreads) {
        return new NettyTransport("nio", NioIoHandler.newFactory(), ioThreads,
                NioServerSocketChannel::new, NioSocketChannel::new, NioDatagramChannel::new);
    }

    /**
     * Linux's native epoll transport.
     *
     * @throws IllegalStateException when the native library cannot be loaded, with Netty's reason
     */
    public static NettyTransport epoll(int ioThreads) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("the native epoll transport is not available ("
                    + Epoll.unavailabilityCause() + "); run with -D" + TRANSPORT_PROPERTY + "=nio",
                    Epoll.unavailabilityCause());
        }
        // The guard keeps sockets whose input has ended able to wait for EPOLLOUT, and the filter keeps a closed
        // socket's event from reaching a new socket with the same fd number (two Netty bugs; see there).
        return new NettyTransport("epoll",
                EpollEmptyInterestGuard.guard(EpollStaleEventFilter.filter(EpollIoHandler.newFactory())), ioThreads,
                EpollServerSocketChannel::new, EpollSocketChannel::new, EpollDatagramChannel::new);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventLoopGroup acceptorGroup() {
        return acceptorGroup;
    }

    @Override
    public EventLoopGroup ioGroup() {
        return ioGroup;
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverSocketChannelFactory() {
        return serverSocketChannelFactory;
    }

    @Override
    public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
        return socketChannelFactory;
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return datagramChannelFactory;
    }

    @Override
    public AddressResolverGroup<InetSocketAddress> resolver() {
        return resolver;
    }

    /**
     * Datagrams per read with the native transports: epoll's {@code recvmmsg} fills one buffer of this many
     * maximum-size datagrams in one system call, io_uring submits as many {@code recvmsg} operations into
     * slices of one such buffer; each datagram is handed on as a slice of it.
     */
    static final int DATAGRAMS_PER_READ = 8;

    @Override
    public Bootstrap configureDatagramReads(Bootstrap bootstrap, int maxDatagram) {
        ChannelOption<Integer> payloadSize = switch (name) {
            case "epoll" -> EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
            case "io_uring" -> IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
            default -> null;
        };
        if (payloadSize == null) {
            return Transport.super.configureDatagramReads(bootstrap, maxDatagram);
        }
        return bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(maxDatagram * DATAGRAMS_PER_READ))
                .option(payloadSize, maxDatagram);
    }

    /**
     * Closes the resolver, then shuts both groups down gracefully and waits (about two seconds at most)
     * until they have stopped. Open channels are closed by the shutdown. Calling it again does nothing.
     * Must not be called on one of this transport's own threads, since it waits for them to end.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // The resolvers own datagram channels on the I/O loops, so they go before the loops do.
        resolver.close();
        Future<?> acceptorDone = acceptorGroup.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
        Future<?> ioDone = ioGroup.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
        // A little beyond the timeout: the groups give up on their own by then.
        long waitMillis = SHUTDOWN_TIMEOUT_MILLIS + 1_000;
        acceptorDone.awaitUninterruptibly(waitMillis);
        ioDone.awaitUninterruptibly(waitMillis);
    }

    @Override
    public String toString() {
        return "NettyTransport[" + name + "]";
    }
}
