package io.gost.plugin.udp.listener;

import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.Transport;
import io.gost.api.datagram.DatagramSessions;
import io.gost.api.datagram.EmptyDatagrams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
 * A UDP socket on the runtime's transport whose clients become sessions ({@link DatagramSessions}): each client
 * address's datagrams arrive on its own channel, handed to {@link ListenContext#acceptor()} like a connection,
 * registered and active, auto-read off, with the first datagram waiting.
 *
 * <p>The socket reads continuously, several datagrams per system call where the transport can, on one event
 * loop; its sessions, and the handlers' sockets toward targets, live on that loop too. Closing the listener
 * closes its sessions.
 */
final class UdpListener implements Listener {

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String ownerName;
    private final DatagramSessions.Options options;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private Channel socket;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    private volatile DatagramSessions sessions;

    UdpListener(String ownerName, DatagramSessions.Options options) {
        this.ownerName = Objects.requireNonNull(ownerName, "ownerName");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The sessions of the socket once bound, for statistics; {@code null} before. */
    DatagramSessions sessions() {
        return sessions;
    }

    /**
     * Creates the socket on the calling thread (so that it lands in the caller's network namespace) and binds it.
     * Fails with a {@link BindException} naming the address when it cannot be bound.
     */
    @Override
    public Future<SocketAddress> bind(ListenContext context) {
        Objects.requireNonNull(context, "context");
        InetSocketAddress address = context.address();
        Promise<SocketAddress> bound = ImmediateEventExecutor.INSTANCE.newPromise();
        Transport transport = context.transport();
        DatagramSessions demux = new DatagramSessions(options, context.acceptor(), "service " + ownerName, null);
        ChannelFuture bindFuture;
        synchronized (lock) {
            if (closed) {
                return bound.setFailure(new IllegalStateException(ownerName + ": udp listener for " + address
                        + " was closed; create a new listener to bind again"));
            }
            if (socket != null) {
                return bound.setFailure(new IllegalStateException(ownerName + ": udp listener already bound (to "
                        + socket.localAddress() + "); create one listener per address"));
            }
            Bootstrap bootstrap = transport.configureDatagramReads(new Bootstrap()
                    .group(transport.ioGroup().next())
                    .channelFactory(transport.datagramChannelFactory())
                    // Read continuously: what a session cannot take is dropped there, as a socket buffer drops it.
                    .option(ChannelOption.AUTO_READ, true)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channel.pipeline().addLast(EmptyDatagrams.WRITER, demux);
                        }
                    }), options.readBufferSize());
            // Bootstrap.bind creates the channel right here, on the calling thread.
            bindFuture = bootstrap.bind(address);
            socket = bindFuture.channel();
        }
        sessions = demux;
        bindFuture.addListener(done -> {
            if (done.isSuccess()) {
                bound.trySuccess(bindFuture.channel().localAddress());
            } else {
                bound.tryFailure(describeFailure(address, done.cause()));
            }
        });
        return bound;
    }

    private Throwable describeFailure(InetSocketAddress address, Throwable cause) {
        if (!(cause instanceof IOException)) {
            return cause;
        }
        String message = String.valueOf(cause.getMessage());
        String hint = message.contains("in use") ? " (another socket has that UDP port; stop it or choose another)"
                : message.contains("Permission denied") ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
                : message.contains("assign requested address") ? " (no interface in this network namespace has"
                + " that address; check the address and netns)" : "";
        BindException failure = new BindException(ownerName + ": cannot listen on udp " + address + ": " + message
                + hint);
        failure.initCause(cause);
        return failure;
    }

    /** Closes the socket and with it every session; off the socket's loop, waits until the port is free. */
    @Override
    public void close() {
        Channel toClose;
        synchronized (lock) {
            closed = true;
            toClose = socket;
        }
        if (toClose == null || !toClose.isOpen()) {
            return;
        }
        ChannelFuture closing = toClose.close();
        if (!toClose.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "UdpListener[" + ownerName + ", " + options + "]";
    }
}
