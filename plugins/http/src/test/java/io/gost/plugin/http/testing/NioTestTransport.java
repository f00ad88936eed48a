package io.gost.plugin.http.testing;

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

/** A small NIO {@link Transport} for socket tests: one group of two threads for everything. */
public final class NioTestTransport implements Transport, AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public EventLoopGroup acceptorGroup() {
        return group;
    }

    @Override
    public EventLoopGroup ioGroup() {
        return group;
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
        // Only loopback literals are resolved in these tests, so the JDK resolver never blocks.
        return DefaultAddressResolverGroup.INSTANCE;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
