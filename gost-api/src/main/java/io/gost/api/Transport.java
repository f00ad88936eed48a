package io.gost.api;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;

/**
 * The event loops, channel types and resolver the runtime owns and shares with every plugin.
 *
 * <p>The runtime chooses the transport once (native epoll when available, NIO otherwise). Plugins use
 * these instead of creating their own groups, so that a relay's two channels can share one event loop
 * and so that everything shuts down together.
 */
public interface Transport {

    /** {@code "io_uring"}, {@code "epoll"} or {@code "nio"}. */
    String name();

    /** The group that accepts connections on server sockets. */
    EventLoopGroup acceptorGroup();

    /** The group that serves accepted and dialed connections. */
    EventLoopGroup ioGroup();

    /** Creates server sockets of this transport. Sockets are created on the calling thread. */
    ChannelFactory<? extends ServerChannel> serverSocketChannelFactory();

    /** Creates client sockets of this transport. Sockets are created on the calling thread. */
    ChannelFactory<? extends SocketChannel> socketChannelFactory();

    /** Creates datagram sockets of this transport. Sockets are created on the calling thread. */
    ChannelFactory<? extends DatagramChannel> datagramChannelFactory();

    /** A non-blocking resolver for unresolved {@link InetSocketAddress}es (never the JDK's blocking one). */
    AddressResolverGroup<InetSocketAddress> resolver();

    /**
     * Sets up {@code bootstrap} (for datagram channels of this transport) to read whole datagrams of up to
     * {@code maxDatagram} bytes; a longer one is cut to that. The runtime's epoll transport reads several per
     * system call ({@code recvmmsg}); the default reads one at a time.
     *
     * @return {@code bootstrap}
     */
    default Bootstrap configureDatagramReads(Bootstrap bootstrap, int maxDatagram) {
        return bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxDatagram));
    }
}
