package io.gost.testkit;

import io.gost.api.RouteException;
import io.gost.api.Router;
import io.gost.api.Transport;
import io.gost.api.datagram.EmptyDatagrams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * A router that dials every target directly from the client's event loop, the way the runtime does
 * without a chain: auto-read off, half-closure allowed, and failures turned into {@link RouteException}s
 * as the runtime does. {@link TestHandlerContext} records the targets asked for.
 *
 * <p>Datagrams as the runtime offers them (see {@code io.gost.api.datagram}): {@code dial("udp", target)} is a
 * UDP socket connected to the target; {@link #associate()} an unconnected UDP socket that sends each datagram to
 * its recipient, resolving names with the transport's resolver. Both send empty datagrams.
 */
public final class DirectRouter implements Router {

    private final EventLoop loop;
    private final Transport transport;

    /** Dials on {@code loop} (the client's event loop) with {@code transport}'s sockets and resolver. */
    public DirectRouter(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
    }

    @Override
    public Future<Channel> dial(String network, InetSocketAddress target) {
        if ("udp".equals(network)) {
            return datagramSocket(target);
        }
        Promise<Channel> result = loop.newPromise();
        new Bootstrap()
                .group(loop)
                .channelFactory(transport.socketChannelFactory())
                .resolver(transport.resolver())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                    }
                })
                .connect(target)
                .addListener(connected -> {
                    if (connected.isSuccess()) {
                        result.trySuccess(((ChannelFuture) connected).channel());
                    } else {
                        result.tryFailure(routeFailure(target, connected.cause()));
                    }
                });
        return result;
    }

    @Override
    public Future<Channel> associate() {
        return datagramSocket(null);
    }

    /** Connected to {@code target}, or an association when it is null. */
    private Future<Channel> datagramSocket(InetSocketAddress target) {
        Promise<Channel> result = loop.newPromise();
        Bootstrap bootstrap = transport.configureDatagramReads(new Bootstrap()
                .group(loop)
                .channelFactory(transport.datagramChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(EmptyDatagrams.WRITER, target == null
                                ? new ResolvingRecipients(transport.resolver().getResolver(loop)) : new OnePeer());
                    }
                }), 65535);
        ChannelFuture opened = target == null ? bootstrap.bind(new InetSocketAddress(0))
                : bootstrap.connect(target);
        opened.addListener(done -> {
            if (done.isSuccess()) {
                result.trySuccess(opened.channel());
            } else {
                opened.channel().close();
                result.tryFailure(routeFailure(target == null ? new InetSocketAddress(0) : target, done.cause()));
            }
        });
        return result;
    }

    /** A connected socket sends every datagram to its peer, whatever its recipient. */
    private static final class OnePeer extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            ctx.write(message instanceof DatagramPacket packet ? packet.content() : message, promise);
        }
    }

    /** An association resolves a recipient given by name before sending to it; one that does not resolve is dropped. */
    private static final class ResolvingRecipients extends ChannelOutboundHandlerAdapter {
        private final AddressResolver<InetSocketAddress> resolver;

        ResolvingRecipients(AddressResolver<InetSocketAddress> resolver) {
            this.resolver = resolver;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            if (!(message instanceof DatagramPacket packet) || !packet.recipient().isUnresolved()) {
                ctx.write(message, promise);
                return;
            }
            resolver.resolve(packet.recipient()).addListener(resolved -> {
                if (resolved.isSuccess()) {
                    ctx.writeAndFlush(new DatagramPacket(packet.content(), (InetSocketAddress) resolved.getNow(),
                            packet.sender()), promise);
                } else {
                    packet.release();
                    promise.trySuccess();
                }
            });
        }
    }

    private static RouteException routeFailure(InetSocketAddress target, Throwable cause) {
        RouteException.Reason reason;
        if (cause instanceof ConnectTimeoutException) {
            reason = RouteException.Reason.TIMEOUT;
        } else if (cause instanceof UnknownHostException || cause instanceof NoRouteToHostException) {
            reason = RouteException.Reason.UNREACHABLE;
        } else if (cause instanceof ConnectException) {
            reason = RouteException.Reason.REFUSED;
        } else {
            reason = RouteException.Reason.GENERAL;
        }
        return new RouteException(reason, "cannot reach " + target + ": " + cause.getMessage(), cause);
    }
}
