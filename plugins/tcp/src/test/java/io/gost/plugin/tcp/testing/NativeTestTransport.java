package io.gost.plugin.tcp.testing;

import io.gost.api.Transport;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A native {@link Transport} (epoll or io_uring, as the runtime's) with one acceptor loop and a given number of
 * I/O loops. It records every server socket it creates and the thread that created it. Close it after the test.
 */
public final class NativeTestTransport implements Transport, AutoCloseable {

    private final String name;
    private final Supplier<ServerChannel> serverChannels;
    private final ChannelFactory<? extends SocketChannel> socketChannels;
    private final ChannelFactory<? extends DatagramChannel> datagramChannels;
    private final EventLoopGroup acceptorGroup;
    private final EventLoopGroup ioGroup;
    private final List<ServerChannel> createdServerChannels = new CopyOnWriteArrayList<>();
    private final List<Thread> serverSocketCreators = new CopyOnWriteArrayList<>();
    /** The index of the server socket whose creation fails; -1 for none. */
    private volatile int failingServerSocket = -1;
    /** The index of the server socket whose bind fails; -1 for none. */
    private volatile int failingBind = -1;

    private NativeTestTransport(String name, IoHandlerFactory handlers, int ioLoops, Supplier<ServerChannel> serverChannels,
                                ChannelFactory<? extends SocketChannel> socketChannels,
                                ChannelFactory<? extends DatagramChannel> datagramChannels) {
        this.name = name;
        this.serverChannels = serverChannels;
        this.socketChannels = socketChannels;
        this.datagramChannels = datagramChannels;
        this.acceptorGroup = new MultiThreadIoEventLoopGroup(1, handlers);
        this.ioGroup = new MultiThreadIoEventLoopGroup(ioLoops, handlers);
    }

    /** {@code "epoll"} or {@code "io_uring"} with {@code ioLoops} I/O loops. */
    public static NativeTestTransport create(String name, int ioLoops) {
        return switch (name) {
            case "epoll" -> new NativeTestTransport(name, EpollIoHandler.newFactory(), ioLoops,
                    EpollServerSocketChannel::new, EpollSocketChannel::new, EpollDatagramChannel::new);
            case "io_uring" -> new NativeTestTransport(name, IoUringIoHandler.newFactory(), ioLoops,
                    IoUringServerSocketChannel::new, IoUringSocketChannel::new, IoUringDatagramChannel::new);
            default -> throw new IllegalArgumentException(name);
        };
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
        return () -> {
            serverSocketCreators.add(Thread.currentThread());
            if (createdServerChannels.size() == failingServerSocket) {
                throw new io.netty.channel.ChannelException("no socket " + failingServerSocket + " (on purpose)");
            }
            ServerChannel channel = serverChannels.get();
            if (createdServerChannels.size() == failingBind) {
                channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void bind(ChannelHandlerContext ctx, SocketAddress address, ChannelPromise promise) {
                        promise.setFailure(new BindException("Address already in use (on purpose)"));
                    }
                });
            }
            createdServerChannels.add(channel);
            return channel;
        };
    }

    @Override
    public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
        return socketChannels;
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return datagramChannels;
    }

    @Override
    public AddressResolverGroup<InetSocketAddress> resolver() {
        return DefaultAddressResolverGroup.INSTANCE;
    }

    /** Makes the creation of the {@code index}th server socket (from 0) fail. */
    public void failServerSocket(int index) {
        failingServerSocket = index;
    }

    /** Makes binding the {@code index}th server socket (from 0) fail with "Address already in use". */
    public void failBindOf(int index) {
        failingBind = index;
    }

    /** The server channels created so far, in order. */
    public List<ServerChannel> createdServerChannels() {
        return List.copyOf(createdServerChannels);
    }

    /** The threads that created server sockets, in order. */
    public List<Thread> serverSocketCreators() {
        return List.copyOf(serverSocketCreators);
    }

    @Override
    public void close() {
        acceptorGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        acceptorGroup.terminationFuture().syncUninterruptibly();
        ioGroup.terminationFuture().syncUninterruptibly();
    }
}
