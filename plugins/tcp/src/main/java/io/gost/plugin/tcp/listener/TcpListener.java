package io.gost.plugin.tcp.listener;

import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.Transport;
import io.gost.plugin.tcp.SocketReads;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A plain TCP server socket on the runtime's transport. Each accepted connection is handed to
 * {@link ListenContext#acceptor()} registered, active, with auto-read off, half-closure allowed,
 * {@code TCP_NODELAY} on and {@code SO_KEEPALIVE} as configured, and with an empty pipeline.
 *
 * <p>One listener binds once. {@link #close} may be called at any time, from any thread, any number
 * of times; a bind after close fails.
 */
public final class TcpListener implements Listener {

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String ownerName;
    private final int backlog;
    private final boolean keepAlive;

    private final Object lock = new Object();
    /** The server channel once {@link #bind} has created it; guarded by {@link #lock}. */
    private Channel serverChannel;
    /** Set by {@link #close}; guarded by {@link #lock}. */
    private boolean closed;

    TcpListener(String ownerName, int backlog, boolean keepAlive) {
        this.ownerName = Objects.requireNonNull(ownerName, "ownerName");
        this.backlog = backlog;
        this.keepAlive = keepAlive;
    }

    /**
     * Creates the server socket on the calling thread (so that it lands in the caller's network
     * namespace), registers it and binds it. The future completes with the bound address, or fails with
     * a {@link BindException} naming the address when the socket cannot be bound (address in use,
     * permission denied ...), or with whatever else went wrong creating it. Listeners on the future run
     * on the thread that completes it, usually the server socket's event loop.
     */
    @Override
    public Future<SocketAddress> bind(ListenContext context) {
        Objects.requireNonNull(context, "context");
        InetSocketAddress address = context.address();
        // Completion is reported on whichever thread finishes the bind; nothing here needs a loop.
        Promise<SocketAddress> bound = ImmediateEventExecutor.INSTANCE.newPromise();
        ChannelFuture bindFuture;
        synchronized (lock) {
            if (closed) {
                return bound.setFailure(new IllegalStateException(
                        ownerName + ": tcp listener for " + address + " was closed; create a new listener to bind again"));
            }
            if (serverChannel != null) {
                return bound.setFailure(new IllegalStateException(
                        ownerName + ": tcp listener already bound (to " + serverChannel.localAddress()
                                + "); create one listener per address"));
            }
            // ServerBootstrap.bind calls the channel factory right here, on the calling thread: the runtime
            // relies on that to create the socket inside the service's network namespace.
            bindFuture = serverBootstrap(context).bind(address);
            serverChannel = bindFuture.channel();
        }
        bindFuture.addListener(done -> {
            if (done.isSuccess()) {
                bound.trySuccess(bindFuture.channel().localAddress());
            } else {
                bound.tryFailure(describeFailure(address, done.cause()));
            }
        });
        return bound;
    }

    private ServerBootstrap serverBootstrap(ListenContext context) {
        Transport transport = context.transport();
        return new ServerBootstrap()
                .group(transport.acceptorGroup(), transport.ioGroup())
                .channelFactory(transport.serverSocketChannelFactory())
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
     * Closes the server socket. Off the socket's event loop this waits (up to {@value #CLOSE_WAIT_SECONDS}
     * seconds) until the port is released, so that a reload can bind the same address right after; on
     * the event loop it only starts the close, as waiting there would deadlock.
     */
    @Override
    public void close() {
        Channel toClose;
        synchronized (lock) {
            closed = true;
            toClose = serverChannel;
        }
        // A channel whose creation or registration failed is already closed and may have no event loop.
        if (toClose == null || !toClose.isOpen()) {
            return;
        }
        EventLoop eventLoop = toClose.eventLoop();
        Promise<Void> released = eventLoop.newPromise();
        toClose.close().addListener(done -> {
            // Since JDK 11, closing a NIO socket registered with a selector only marks it; the kernel socket
            // (and the port) goes at the loop's next select. A task scheduled now runs after that select.
            eventLoop.schedule(() -> released.trySuccess(null), 0, TimeUnit.NANOSECONDS);
        });
        if (!eventLoop.inEventLoop()) {
            released.awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "TcpListener[" + ownerName + ", backlog=" + backlog + ", keepalive=" + keepAlive + "]";
    }
}
