package io.gost.plugin.tcp.listener;

import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.Transport;
import io.gost.plugin.tcp.SocketReads;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain TCP listener on the runtime's transport. Each accepted connection is handed to
 * {@link ListenContext#acceptor()} registered, active, with auto-read off, half-closure allowed,
 * {@code TCP_NODELAY} on and {@code SO_KEEPALIVE} as configured, and with an empty pipeline.
 *
 * <p>On the native transports (epoll, io_uring) it binds one server socket per I/O loop, all on the same
 * address with {@code SO_REUSEPORT}, as haproxy and nginx do with their workers: the kernel spreads new
 * connections over the sockets, and each connection is accepted, dialed and relayed on the loop of the
 * socket that accepted it, with no hand-off between threads (which cost an eventfd write and a wake-up per
 * connection). On NIO, or with {@code -D}{@value #PER_LOOP_PROPERTY}{@code =false}, it binds one server
 * socket on the acceptor loop, which hands each connection to an I/O loop in turn.
 *
 * <p>{@code SO_REUSEPORT} would also let another process of the same user bind the port and take half the
 * connections. So before binding, unless the transport's server sockets already come with
 * {@code SO_REUSEPORT} (the runtime's do: it decides itself when its own sockets may share a port, during a
 * reload, and probes the address otherwise), the listener binds a plain socket without it to the address and
 * closes it: another program's listener, with or without {@code SO_REUSEPORT}, makes the bind fail as it
 * would without this feature.
 *
 * <p>One listener binds once; after a failed bind it may try again. {@link #close} may be called at any time,
 * from any thread, any number of times; a bind after close fails.
 */
public final class TcpListener implements Listener {

    /** The JVM property that turns one server socket per I/O loop off ({@code false}); default {@code true}. */
    public static final String PER_LOOP_PROPERTY = "gost.listenerPerLoop";

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String ownerName;
    private final int backlog;
    private final boolean keepAlive;
    private final boolean perLoop;

    private final Object lock = new Object();
    /** The server channels once {@link #bind} has created them; guarded by {@link #lock}. */
    private List<ServerChannel> serverChannels;
    /** Set by {@link #close}; guarded by {@link #lock}. */
    private boolean closed;

    /**
     * @param perLoop one server socket per I/O loop on a native transport (see the class comment); false binds
     *                one socket on the acceptor loop whatever the transport
     */
    TcpListener(String ownerName, int backlog, boolean keepAlive, boolean perLoop) {
        this.ownerName = Objects.requireNonNull(ownerName, "ownerName");
        this.backlog = backlog;
        this.keepAlive = keepAlive;
        this.perLoop = perLoop;
    }

    /**
     * Whether {@value #PER_LOOP_PROPERTY} leaves one server socket per I/O loop on (unset or {@code true}).
     *
     * @throws IllegalArgumentException when the property is neither {@code true} nor {@code false}
     */
    static boolean perLoopFromSystemProperty() {
        String value = System.getProperty(PER_LOOP_PROPERTY, "true").trim();
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("-D" + PER_LOOP_PROPERTY + "=" + value + " is not true or false");
    }

    /**
     * Creates the server sockets on the calling thread (so that they land in the caller's network namespace),
     * registers and binds them. The future completes with the bound address, or fails with a
     * {@link BindException} naming the address when a socket cannot be bound (address in use, permission
     * denied ...), or with whatever else went wrong creating them; then no socket is left open. Listeners on
     * the future run on the thread that completes it, usually a server socket's event loop.
     */
    @Override
    public Future<SocketAddress> bind(ListenContext context) {
        Objects.requireNonNull(context, "context");
        InetSocketAddress address = context.address();
        Transport transport = context.transport();
        // Completion is reported on whichever thread finishes the bind; nothing here needs a loop.
        Promise<SocketAddress> bound = ImmediateEventExecutor.INSTANCE.newPromise();
        List<ServerChannel> channels = new ArrayList<>();
        List<ChannelFuture> registrations = new ArrayList<>();
        Throwable creationFailure = null;
        synchronized (lock) {
            if (closed) {
                return bound.setFailure(new IllegalStateException(
                        ownerName + ": tcp listener for " + address + " was closed; create a new listener to bind again"));
            }
            if (serverChannels != null) {
                return bound.setFailure(new IllegalStateException(
                        ownerName + ": tcp listener already bound (to " + describe(serverChannels)
                                + "); create one listener per address"));
            }
            serverChannels = channels;
            try {
                // Every socket is created here, on the calling thread: the runtime relies on that to create them
                // inside the service's network namespace. Only binding happens later, on the loops.
                List<EventLoop> loops = perLoop && isNative(transport) ? loopsOf(transport.ioGroup()) : List.of();
                if (loops.isEmpty()) {
                    ServerChannel channel = transport.serverSocketChannelFactory().newChannel();
                    channels.add(channel);
                    registrations.add(serverBootstrap(context, channel, transport.acceptorGroup(), transport.ioGroup())
                            .register());
                } else {
                    for (EventLoop loop : loops) {
                        ServerChannel channel = transport.serverSocketChannelFactory().newChannel();
                        channels.add(channel);
                        if (channels.size() == 1 && !reusesPort(channel) && address.getPort() != 0) {
                            probe(address);
                        }
                        channel.config().setOption(UnixChannelOption.SO_REUSEPORT, true);
                        // Parent and child on one loop: a connection stays on the loop that accepted it.
                        registrations.add(serverBootstrap(context, channel, loop, loop).register());
                    }
                }
            } catch (Throwable e) {
                creationFailure = e;
            }
        }
        if (creationFailure != null) {
            fail(channels, address, creationFailure, bound);
        } else {
            bindInTurn(channels, registrations, 0, address, bound);
        }
        return bound;
    }

    private static boolean isNative(Transport transport) {
        return "epoll".equals(transport.name()) || "io_uring".equals(transport.name());
    }

    private static List<EventLoop> loopsOf(EventLoopGroup group) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : group) {
            loops.add((EventLoop) executor);
        }
        return loops;
    }

    /** True when whoever created {@code channel} already turned {@code SO_REUSEPORT} on (see the class comment). */
    private static boolean reusesPort(ServerChannel channel) {
        return Boolean.TRUE.equals(channel.config().getOption(UnixChannelOption.SO_REUSEPORT));
    }

    /**
     * Binds a socket without {@code SO_REUSEPORT} to {@code address} and closes it: the kernel refuses it while
     * any other socket listens there, with or without {@code SO_REUSEPORT}. The probe is a client socket that
     * never listens: a listening probe would, for the moment it is open, accept a client's connection and then
     * reset it when it closes.
     */
    private static void probe(InetSocketAddress address) throws IOException {
        try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open()) {
            // With SO_REUSEADDR, Linux refuses the bind only for a listening socket, not for TIME_WAIT leftovers.
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address);
        } catch (BindException e) {
            throw e;
        } catch (IOException e) {
            // Not the probe's business (no such address ...): the real bind reports it.
        }
    }

    /**
     * Binds {@code channels[index]} once registered, then the next ones, each to the port the first got (which
     * matters for port 0). Completes {@code bound} with the first one's address when all are bound; at the
     * first failure closes them all and fails it.
     */
    private void bindInTurn(List<ServerChannel> channels, List<ChannelFuture> registrations, int index,
                            InetSocketAddress address, Promise<SocketAddress> bound) {
        ServerChannel channel = channels.get(index);
        registrations.get(index).addListener(registered -> {
            if (!registered.isSuccess()) {
                fail(channels, address, registered.cause(), bound);
                return;
            }
            channel.bind(address).addListener(done -> {
                if (!done.isSuccess()) {
                    fail(channels, address, done.cause(), bound);
                } else if (index + 1 < channels.size()) {
                    InetSocketAddress first = (InetSocketAddress) channels.get(0).localAddress();
                    bindInTurn(channels, registrations, index + 1,
                            new InetSocketAddress(address.getAddress(), first.getPort()), bound);
                } else {
                    bound.trySuccess(channels.get(0).localAddress());
                }
            });
        });
    }

    /**
     * Closes all {@code channels}, then fails {@code bound}: a failed bind leaves no socket behind, and the listener
     * may bind again (the runtime does, after closing the old listener of a port the new one could not share).
     */
    private void fail(List<ServerChannel> channels, InetSocketAddress address, Throwable cause,
                      Promise<SocketAddress> bound) {
        Throwable failure = describeFailure(address, cause);
        synchronized (lock) {
            if (serverChannels == channels) {
                serverChannels = null;
            }
        }
        AtomicInteger open = new AtomicInteger(channels.size() + 1);
        Runnable oneClosed = () -> {
            if (open.decrementAndGet() == 0) {
                bound.tryFailure(failure);
            }
        };
        for (ServerChannel channel : channels) {
            closeNow(channel).addListener(closed -> oneClosed.run());
        }
        oneClosed.run();
    }

    /** Closes {@code channel}, also when it is not (or not yet) registered with a loop. */
    private static Future<?> closeNow(ServerChannel channel) {
        if (channel.isRegistered()) {
            return channel.close();
        }
        // Without a loop, the pipeline cannot carry a close; this is how Netty drops a channel it failed to register.
        channel.unsafe().closeForcibly();
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
    }

    private ServerBootstrap serverBootstrap(ListenContext context, ServerChannel channel, EventLoopGroup parent,
                                            EventLoopGroup child) {
        return new ServerBootstrap()
                .group(parent, child)
                // The socket already exists; the bootstrap only sets it up and registers it.
                .channelFactory(() -> channel)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                // Out of descriptors: pause briefly and retry, instead of spinning or Netty's 1 s pause.
                .handler(new AcceptErrorHandler(ownerName))
                // The handler decides when to read; the relay passes half-closes through.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // TCP_NODELAY is Netty's default for every socket channel it creates (epoll and NIO);
                // asking again would cost a setsockopt per connection.
                .childOption(ChannelOption.SO_KEEPALIVE, keepAlive)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, SocketReads.allocator())
                .childHandler(new AcceptHandoffHandler(ownerName, context.acceptor()));
    }

    /**
     * Turns a socket error during bind into a {@link BindException} that names the address: NIO already
     * throws one but without the address, and epoll throws its own {@code NativeIoException}.
     */
    private Throwable describeFailure(InetSocketAddress address, Throwable cause) {
        boolean closedMeanwhile;
        synchronized (lock) {
            closedMeanwhile = closed;
        }
        if (closedMeanwhile || !(cause instanceof IOException)) {
            return cause;
        }
        BindException failure = new BindException(ownerName + ": cannot listen on tcp " + address + ": "
                + cause.getMessage() + hint(String.valueOf(cause.getMessage())));
        failure.initCause(cause);
        return failure;
    }

    /** What a user can do about the usual bind errors. */
    private static String hint(String message) {
        if (message.contains("in use")) {
            return " (another socket is listening on that port; stop it or choose another port)";
        }
        if (message.contains("Permission denied")) {
            return " (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
        }
        if (message.contains("assign requested address")) {
            return " (no interface in this network namespace has that address; check the address and netns)";
        }
        return "";
    }

    /**
     * Closes the server sockets. Off their event loops this waits (up to {@value #CLOSE_WAIT_SECONDS}
     * seconds) until the port is released, so that a reload can bind the same address right after; on
     * one of those loops it only starts the close, as waiting there would deadlock.
     */
    @Override
    public void close() {
        List<ServerChannel> toClose;
        synchronized (lock) {
            closed = true;
            toClose = serverChannels == null ? List.of() : List.copyOf(serverChannels);
        }
        List<Promise<Void>> releases = new ArrayList<>();
        boolean onOwnLoop = false;
        for (ServerChannel channel : toClose) {
            // A channel whose creation or registration failed is already closed and may have no event loop.
            if (!channel.isOpen() || !channel.isRegistered()) {
                closeNow(channel);
                continue;
            }
            EventLoop eventLoop = channel.eventLoop();
            onOwnLoop |= eventLoop.inEventLoop();
            Promise<Void> released = eventLoop.newPromise();
            releases.add(released);
            channel.close().addListener(done -> {
                // Since JDK 11, closing a NIO socket registered with a selector only marks it; the kernel socket
                // (and the port) goes at the loop's next select. A task scheduled now runs after that select.
                eventLoop.schedule(() -> released.trySuccess(null), 0, TimeUnit.NANOSECONDS);
            });
        }
        if (onOwnLoop) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        for (Promise<Void> released : releases) {
            released.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private static String describe(List<ServerChannel> channels) {
        return channels.isEmpty() ? "nothing yet" : String.valueOf(channels.get(0).localAddress());
    }

    @Override
    public String toString() {
        return "TcpListener[" + ownerName + ", backlog=" + backlog + ", keepalive=" + keepAlive
                + ", perLoop=" + perLoop + "]";
    }
}
