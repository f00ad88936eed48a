package io.gost.plugin.socks.testing;

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
import java.util.concurrent.TimeUnit;

/** A NIO {@link Transport} for tests, standing in for the runtime's. Close it after the test. */
public final class TestTransport implements Transport, AutoCloseable {

    private final EventLoopGroup acceptorGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup ioGroup = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

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
        return NioServerSocketChannel::new;
    }

    @Override
    public ChannelFactory<? extends SocketChannel> socketChannelFactory() {
        return NioSocketChannel::new;
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return NioDatagramChannel::new;
    }

    @Override
    public AddressResolverGroup<InetSocketAddress> resolver() {
        return DefaultAddressResolverGroup.INSTANCE;
    }

    @Override
    public void close() {
        acceptorGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        acceptorGroup.terminationFuture().syncUninterruptibly();
        ioGroup.terminationFuture().syncUninterruptibly();
    }
}
