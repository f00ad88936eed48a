package io.gost.runtime.chain;

import io.gost.api.Transport;
import io.gost.api.datagram.EmptyDatagrams;
import io.gost.runtime.bypass.BypassCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.resolver.AddressResolver;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP sockets the runtime opens toward targets: bootstraps whose channels are created on the calling thread
 * (so the caller places them in a namespace), registered on the client's event loop, auto-read off, reading any
 * datagram whole (65,535 bytes), and sending empty datagrams ({@link EmptyDatagrams#WRITER}).
 */
public final class DatagramSockets {

    private static final Logger LOGGER = LoggerFactory.getLogger(DatagramSockets.class);

    /** Every UDP payload fits (the IPv4 maximum is 65,507 bytes). */
    public static final int MAX_DATAGRAM = 65535;

    private DatagramSockets() {
    }

    /** For a socket connected to one target: a datagram channel with that one peer. */
    public static Bootstrap connected(EventLoop loop, Transport transport) {
        return base(loop, transport).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(EmptyDatagrams.WRITER, OnePeer.INSTANCE);
            }
        });
    }

    /**
     * For an association: an unconnected socket that sends each datagram to its recipient, resolving names
     * without blocking, and drops datagrams for destinations {@code bypass} forbids.
     */
    public static Bootstrap association(EventLoop loop, Transport transport, BypassCheck bypass, String serviceName) {
        return base(loop, transport).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(EmptyDatagrams.WRITER,
                        new Recipients(transport.resolver().getResolver(loop), bypass, serviceName));
            }
        });
    }

    /**
     * A bootstrap for datagram channels of {@code transport} on {@code loop} that read whole datagrams of up to
     * {@code readBufferSize} bytes, several per system call where epoll can.
     */
    public static Bootstrap base(EventLoop loop, Transport transport, int readBufferSize) {
        return transport.configureDatagramReads(new Bootstrap()
                .group(loop)
                .channelFactory(transport.datagramChannelFactory())
                .option(ChannelOption.AUTO_READ, false), readBufferSize);
    }

    private static Bootstrap base(EventLoop loop, Transport transport) {
        return base(loop, transport, MAX_DATAGRAM);
    }

    /** A connected socket writes the payload only: its one peer is where every datagram goes. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class OnePeer extends ChannelOutboundHandlerAdapter {
        static final OnePeer INSTANCE = new OnePeer();

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            if (message instanceof DatagramPacket packet) {
                ctx.write(packet.content(), promise);
            } else {
                ctx.write(message, promise);
            }
        }
    }

    /** Resolves names among recipients and applies the service's bypass to each datagram. */
    private static final class Recipients extends ChannelOutboundHandlerAdapter {
        private final AddressResolver<InetSocketAddress> resolver;
        private final BypassCheck bypass;
        private final String serviceName;

        Recipients(AddressResolver<InetSocketAddress> resolver, BypassCheck bypass, String serviceName) {
            this.resolver = resolver;
            this.bypass = bypass;
            this.serviceName = serviceName;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            if (!(message instanceof DatagramPacket packet)) {
                ReferenceCountUtil.release(message);
                promise.tryFailure(new IllegalArgumentException("an association sends DatagramPackets with a recipient"));
                return;
            }
            InetSocketAddress recipient = packet.recipient();
            if (bypass != null && bypass.forbids("udp", recipient)) {
                dropForbidden(packet, recipient, promise);
                return;
            }
            if (!recipient.isUnresolved()) {
                ctx.write(packet, promise);
                return;
            }
            resolver.resolve(recipient).addListener(resolved -> {
                if (!resolved.isSuccess()) {
                    LOGGER.debug("service {}: dropped a datagram for {}: {}", serviceName, recipient,
                            resolved.cause().getMessage());
                    packet.release();
                    promise.trySuccess();
                    return;
                }
                InetSocketAddress address = (InetSocketAddress) resolved.getNow();
                if (bypass != null && bypass.blacklistForbids("udp", BypassCheck.hostOf(address), address.getPort())) {
                    dropForbidden(packet, address, promise);
                    return;
                }
                // The new packet takes over the content (and its one reference).
                ctx.writeAndFlush(new DatagramPacket(packet.content(), address, packet.sender()), promise);
            });
        }

        private void dropForbidden(DatagramPacket packet, SocketAddress destination, ChannelPromise promise) {
            LOGGER.debug("service {}: dropped a datagram for {}: forbidden by bypass '{}'", serviceName, destination,
                    bypass.name());
            packet.release();
            promise.trySuccess();
        }
    }
}
