package io.gost.runtime.service;

import io.gost.api.BindRequest;
import io.gost.api.Binding;
import io.gost.api.ListenContext;
import io.gost.api.RemotePort;
import io.gost.api.SocketPurpose;
import io.gost.api.Transport;
import io.gost.api.datagram.DatagramSessions;
import io.gost.api.datagram.EmptyDatagrams;
import io.gost.runtime.chain.ChainRouter;
import io.gost.runtime.chain.DatagramSockets;
import io.gost.runtime.chain.Node;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a reverse listener's port open ({@link ListenContext#openRemotePort}): on the last hop of the service's
 * listener chain, or locally when it has none.
 *
 * <p>Through a chain, as GOST's service loop does: a bind that fails, or a binding that is lost (the connection to
 * the hop died), is tried again after 1 s, then 2 s, 4 s, and every 5 s, for as long as the port is not closed;
 * the delay starts over after a bind that worked. Each attempt is logged and counted in the service's statistics
 * ({@link Service#remoteBindAttempts()}, {@link Service#remoteBindFailures()}).
 *
 * <p>Locally: a TCP server socket or a UDP socket with sessions, created in the service's namespace (GOST ignores
 * namespaces here; gost-java does not), handing what arrives to the service like any listener.
 *
 * <p>All state lives on one event loop.
 */
final class RemotePortKeeper implements RemotePort {

    private static final Logger LOGGER = LoggerFactory.getLogger(RemotePortKeeper.class);

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(5);

    private final Supplier<Service> service;
    private final Transport transport;
    private final BindRequest request;
    private final ChainRouter router;
    private final ListenContext.Acceptor acceptor;
    private final EventLoop loop;
    private final Promise<SocketAddress> started;
    private Duration delay = Duration.ZERO;
    private Binding binding;
    private Future<Binding> pending;
    private Channel localSocket;
    private ScheduledFuture<?> retry;
    private boolean closed;

    /**
     * @param service   the service the port is for now: after a reload that kept the listener, the successor
     *                  that took its slot over (counts and log lines are its)
     * @param transport creates the local sockets (the listener slot's, with {@code SO_REUSEPORT})
     */
    RemotePortKeeper(Supplier<Service> service, Transport transport, BindRequest request, ChainRouter router,
                     ListenContext.Acceptor acceptor) {
        this.service = service;
        this.transport = transport;
        this.request = request;
        this.router = router;
        this.acceptor = acceptor;
        this.loop = transport.ioGroup().next();
        this.started = loop.newPromise();
    }

    /** Starts: a local bind, or the first attempt on the chain (in the background). */
    RemotePortKeeper open() {
        loop.execute(() -> {
            if (router == null) {
                openLocally();
            } else {
                started.trySuccess(request.address());
                attempt();
            }
        });
        return this;
    }

    @Override
    public Future<SocketAddress> started() {
        return started;
    }

    private String where() {
        return request.network() + " " + Node.formatAddress(request.address()) + " on the last hop of chain "
                + router.chain().name();
    }

    private void attempt() {
        if (closed) {
            return;
        }
        long number = service.get().countRemoteBindAttempt();
        LOGGER.info("service {}: opening {} (attempt {})", service.get().name(), where(), number);
        pending = router.bind(loop, request, acceptor, null, 1);
        pending.addListener(done -> {
            pending = null;
            if (!done.isSuccess()) {
                service.get().countRemoteBindFailure();
                tryAgain("cannot open " + where() + ": " + message(done.cause()));
                return;
            }
            Binding bound = (Binding) done.getNow();
            if (closed) {
                bound.close();
                return;
            }
            binding = bound;
            delay = Duration.ZERO;
            service.get().remoteBound(bound.boundAddress());
            LOGGER.info("service {}: {} is open; the hop listens on {}", service.get().name(), where(),
                    Node.formatAddress(bound.boundAddress()));
            bound.closeFuture().addListener(ended -> loop.execute(() -> lost(bound, ended.cause())));
        });
    }

    private void lost(Binding lost, Throwable cause) {
        if (binding != lost) {
            return;
        }
        binding = null;
        service.get().remoteBound(null);
        if (closed) {
            return;
        }
        service.get().countRemoteBindFailure();
        tryAgain("lost " + where() + (cause == null ? " (the hop closed it)" : ": " + message(cause)));
    }

    private void tryAgain(String why) {
        if (closed) {
            return;
        }
        delay = delay.isZero() ? FIRST_DELAY : delay.multipliedBy(2).compareTo(MAX_DELAY) > 0
                ? MAX_DELAY : delay.multipliedBy(2);
        LOGGER.warn("service {}: {}; trying again in {}s", service.get().name(), why, delay.toSeconds());
        retry = loop.schedule(this::attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static String message(Throwable cause) {
        return cause == null ? "unknown error" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    private void openLocally() {
        SocketPurpose purpose = new SocketPurpose(SocketPurpose.Kind.LISTEN, service.get().name(),
                request.network() + " " + Node.formatAddress(request.address()));
        Future<Channel> bound = service.get().placement().place(service.get().listenNamespace(), purpose, loop,
                () -> channelOf(request.network().equals("tcp") ? tcpServer() : udpSocket()));
        bound.addListener(done -> {
            if (!done.isSuccess()) {
                started.tryFailure(done.cause());
                return;
            }
            Channel socket = (Channel) done.getNow();
            if (closed) {
                socket.close();
                started.tryFailure(new IllegalStateException("closed while opening " + request.address()));
                return;
            }
            localSocket = socket;
            started.trySuccess(socket.localAddress());
        });
    }

    private ChannelFuture tcpServer() {
        return new ServerBootstrap()
                .group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel child) {
                        acceptor.accept(child);
                    }
                })
                .bind(request.address());
    }

    private ChannelFuture udpSocket() {
        DatagramSessions.Options options = request.sessions();
        return DatagramSockets.base(loop, transport, options.readBufferSize())
                .option(ChannelOption.AUTO_READ, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel socket) {
                        socket.pipeline().addLast(EmptyDatagrams.WRITER,
                                new DatagramSessions(options, acceptor, "service " + service.get().name(), null));
                    }
                })
                .bind(request.address());
    }

    private Future<Channel> channelOf(ChannelFuture future) {
        Promise<Channel> channel = loop.newPromise();
        future.addListener(done -> {
            if (done.isSuccess()) {
                channel.trySuccess(future.channel());
            } else {
                future.channel().close();
                channel.tryFailure(done.cause());
            }
        });
        return channel;
    }

    @Override
    public void close() {
        loop.execute(() -> {
            closed = true;
            if (retry != null) {
                retry.cancel(false);
            }
            if (pending != null) {
                pending.cancel(false);
            }
            if (binding != null) {
                binding.close();
                binding = null;
                service.get().remoteBound(null);
            }
            if (localSocket != null) {
                localSocket.close();
            }
            started.tryFailure(new IllegalStateException("closed"));
        });
    }

    @Override
    public String toString() {
        return "RemotePort[" + service.get().name() + " " + request.network() + " " + request.address() + "]";
    }
}
