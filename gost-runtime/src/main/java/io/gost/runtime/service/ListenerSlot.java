package io.gost.runtime.service;

import io.gost.api.BindRequest;
import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.NetnsRef;
import io.gost.api.RemotePort;
import io.gost.api.SocketPurpose;
import io.gost.api.Transport;
import io.gost.runtime.chain.SocketPlacement;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A bound listener and the service its connections go to. A reload that changes a service but not its
 * listener hands the slot, bound socket and all, to the service's successor ({@link #retarget}), so the
 * port never stops accepting; connections already accepted stay with the service that accepted them.
 *
 * <p>Server sockets are created with {@code SO_REUSEPORT} (through the transport the slot gives its
 * listener), so that when a reload does change a listener, its successor can bind the same address while
 * the old socket still accepts. The kernel then shares new connections between the two until the old one
 * closes. Because that would also let a second process that sets {@code SO_REUSEPORT} share a port
 * silently, a first bind (no socket of this runtime holds the port) first binds a plain probe socket to the
 * address: another program's listener still makes it fail with "address already in use".
 */
public final class ListenerSlot {

    private final Listener listener;
    private final InetSocketAddress address;
    private final NetnsRef namespace;
    private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();
    private volatile Service target;
    private volatile SocketAddress boundAddress;
    private volatile boolean closed;

    ListenerSlot(Listener listener, InetSocketAddress address, NetnsRef namespace, Service target) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.address = address;
        this.namespace = namespace;
        this.target = target;
    }

    /** The listener plugin that owns the socket; whoever owns the slot closes it with its other plugins. */
    public Listener listener() {
        return listener;
    }

    /** The address as configured (possibly port 0). */
    public InetSocketAddress address() {
        return address;
    }

    /** The network namespace the socket is in, or {@code null}. */
    public NetnsRef namespace() {
        return namespace;
    }

    /** The address bound, or {@code null} before the bind completed. */
    public SocketAddress boundAddress() {
        return boundAddress;
    }

    /** The service new connections go to. */
    public Service target() {
        return target;
    }

    /** True until {@link #close}. */
    public boolean isOpen() {
        return !closed;
    }

    /** Sends the connections accepted from now on to {@code service}. */
    void retarget(Service service) {
        this.target = Objects.requireNonNull(service, "service");
    }

    /**
     * Binds the listener inside {@code namespace}.
     *
     * @param probe true to check first that no other program listens on the address (see the class comment)
     */
    Future<SocketAddress> bind(SocketPlacement placement, Transport transport, SocketPurpose purpose, boolean probe) {
        ListenContext context = new ListenContext() {
            private final Transport reusePort = new ReusePortTransport(transport, probe ? address : null);

            @Override
            public InetSocketAddress address() {
                return address;
            }

            @Override
            public Transport transport() {
                return reusePort;
            }

            @Override
            public Acceptor acceptor() {
                return channel -> target.accept(channel);
            }

            @Override
            public RemotePort openRemotePort(BindRequest request) {
                // Kept by the slot: a successor that takes the slot over keeps the port (its listener chain is
                // the same, or the runtime would not have handed the slot over) and gets what arrives on it.
                return new RemotePortKeeper(() -> target, reusePort, request, target.listenerRouter(),
                        channel -> target.accept(channel)).open();
            }
        };
        Future<SocketAddress> bound = placement.place(namespace, purpose, transport.ioGroup().next(),
                () -> listener.bind(context));
        bound.addListener(done -> {
            if (done.isSuccess()) {
                boundAddress = bound.getNow();
            }
        });
        return bound;
    }

    /**
     * Pauses or resumes accepting on the slot's server sockets (a quota used up); clients that connect meanwhile
     * wait in the listen backlog. True when this changed anything.
     */
    boolean accepting(boolean accept) {
        boolean changed = false;
        for (Channel channel : serverChannels) {
            if (channel.isOpen() && channel.config().isAutoRead() != accept) {
                channel.config().setAutoRead(accept);
                changed = true;
            }
        }
        return changed;
    }

    /** Stops accepting and closes the listener (and its server socket); accepted connections stay open. */
    public void close() {
        closed = true;
        listener.close();
    }

    /**
     * The runtime's transport with one difference: server sockets are created with {@code SO_REUSEPORT},
     * after an optional probe of the address. Sockets are still created on the calling thread, so a
     * listener bound inside a namespace gets them there.
     */
    private final class ReusePortTransport implements Transport {
        private final Transport delegate;
        private final InetSocketAddress probe;
        private final ChannelFactory<ServerChannel> serverChannels;

        ReusePortTransport(Transport delegate, InetSocketAddress probe) {
            this.delegate = delegate;
            this.probe = probe == null || probe.getPort() == 0 ? null : probe;
            ChannelFactory<? extends ServerChannel> plain = delegate.serverSocketChannelFactory();
            this.serverChannels = () -> {
                if (this.probe != null) {
                    probe(this.probe);
                }
                ServerChannel channel = plain.newChannel();
                reusePort(channel);
                ListenerSlot.this.serverChannels.add(channel);
                return channel;
            };
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public EventLoopGroup acceptorGroup() {
            return delegate.acceptorGroup();
        }

        @Override
        public EventLoopGroup ioGroup() {
            return delegate.ioGroup();
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverSocketChannelFactory() {
            return serverChannels;
        }

        @Override
        public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
            return delegate.socketChannelFactory();
        }

        @Override
        public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
            return delegate.datagramChannelFactory();
        }

        @Override
        public AddressResolverGroup<InetSocketAddress> resolver() {
            return delegate.resolver();
        }

        /**
         * The runtime's own setting: on epoll and io_uring several datagrams per read ({@code recvmmsg}). Without it a
         * UDP listener fell back to the interface's default, one {@code recvmsg} (and one wake-up, one
         * {@code sendto}) per datagram into a fresh 64 KiB buffer.
         */
        @Override
        public Bootstrap configureDatagramReads(Bootstrap bootstrap, int maxDatagram) {
            return delegate.configureDatagramReads(bootstrap, maxDatagram);
        }
    }

    /**
     * Binds a socket without {@code SO_REUSEPORT} to {@code address} and closes it: the kernel refuses it
     * while any other socket listens there, with or without {@code SO_REUSEPORT}. The probe is a client
     * socket that never listens: a listening probe (a {@code ServerSocketChannel}) would, for the moment it is
     * open, accept a client's connection and then reset it when it closes.
     */
    private static void probe(InetSocketAddress address) {
        try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open()) {
            // With SO_REUSEADDR, Linux refuses the bind only for a listening socket, not for TIME_WAIT leftovers.
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address);
        } catch (BindException e) {
            throw new ProbeFailedException(address, e);
        } catch (IOException e) {
            // Not this probe's business (no such address ...): the real bind reports it.
        }
    }

    /** Carries the probe's {@link BindException} out of a channel factory, which cannot throw checked ones. */
    static final class ProbeFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProbeFailedException(InetSocketAddress address, BindException cause) {
            super("cannot listen on " + address + ": " + cause.getMessage(), cause);
        }
    }

    private static void reusePort(ServerChannel channel) {
        if (channel instanceof NioServerSocketChannel nio) {
            nio.config().setOption(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
        } else if (!channel.config().setOption(UnixChannelOption.SO_REUSEPORT, true)) {
            // Both native transports (epoll and io_uring) take it; a channel that does not would make the
            // hand-over bind fail later with a less helpful "address in use".
            throw new IllegalStateException("cannot set SO_REUSEPORT on " + channel.getClass().getSimpleName());
        }
    }
}
