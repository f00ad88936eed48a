package io.gost.testkit;

import io.gost.api.Transport;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A NIO {@link Transport} for tests, standing in for the runtime's. It records the thread on which each
 * socket was created, so tests can check that plugins create sockets on the calling thread (the
 * runtime's network namespace placement depends on it). Close it after the test.
 */
public final class TestTransport implements Transport, AutoCloseable {

    private final EventLoopGroup acceptorGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup ioGroup = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<Thread> serverSocketCreators = new CopyOnWriteArrayList<>();
    private final List<Thread> socketCreators = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> createdSockets = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "nio";
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
            return new NioServerSocketChannel();
        };
    }

    @Override
    public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
        return () -> {
            socketCreators.add(Thread.currentThread());
            SocketChannel socket = new NioSocketChannel();
            createdSockets.add(socket);
            return socket;
        };
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return NioDatagramChannel::new;
    }

    @Override
    public AddressResolverGroup<InetSocketAddress> resolver() {
        return DefaultAddressResolverGroup.INSTANCE;
    }

    /** The threads that created server sockets, in order. */
    public List<Thread> serverSocketCreators() {
        return List.copyOf(serverSocketCreators);
    }

    /** The threads that created client sockets, in order. */
    public List<Thread> socketCreators() {
        return List.copyOf(socketCreators);
    }

    /** The client sockets created so far, in order. */
    public List<SocketChannel> createdSockets() {
        return List.copyOf(createdSockets);
    }

    @Override
    public void close() {
        acceptorGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        acceptorGroup.terminationFuture().syncUninterruptibly();
        ioGroup.terminationFuture().syncUninterruptibly();
    }
}
