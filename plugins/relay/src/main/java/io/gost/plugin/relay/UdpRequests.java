package io.gost.plugin.relay;

import io.gost.api.HostPort;
import io.gost.api.RouteException;
import io.gost.api.datagram.EmptyDatagrams;
import io.gost.api.datagram.UdpTunCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay handler's UDP requests, as GOST serves them ({@code x/handler/relay/connect.go}, {@code bind.go}):
 * <ul>
 *   <li><b>CONNECT udp</b>: one target, through the service's router ({@code dial("udp")}: directly from
 *       {@code netns.out}, or through its chain); datagrams travel as {@code LEN | DATA}
 *       ({@link RelayDatagramCodec}); the OK answer goes out at once with {@code nodelay}, else glued to the
 *       target's first datagram, as GOST's;</li>
 *   <li><b>BIND udp</b> on a port: a UDP socket on the address asked for (strictly: a port in use answers 5), in
 *       the service's namespace; what any peer sends there comes back as GOST's UDP-TUN frames naming the peer, and
 *       frames from the client go to the peer they name. What {@code rudp} asks for;</li>
 *   <li><b>BIND udp</b> on port 0: how GOST's connector asks for a UDP association (a SOCKS5 service's UDP through a
 *       relay hop). GOST listens on a free port here; gost-java takes an association from the service's router, so
 *       its datagrams go where a UDP-TUN association's go (from {@code netns.out}, through the service's chain,
 *       past its bypass). Framed as UDP-TUN both ways.</li>
 * </ul>
 * Each answers OK with the address of its socket (a BIND) or nothing (a CONNECT), then lasts as long as the
 * connection.
 */
final class UdpRequests {

    private static final Logger LOGGER = LoggerFactory.getLogger(UdpRequests.class);

    private UdpRequests() {
    }

    /** CONNECT udp to {@code target}. */
    static void connect(RequestSession session, InetSocketAddress target, boolean noDelay) {
        Future<Channel> dial = session.context().router().dial("udp", target);
        dial.addListener(done -> session.onClientLoop(() -> {
            if (!dial.isSuccess()) {
                Throwable cause = dial.cause();
                int status = cause instanceof RouteException route && route.reason() == RouteException.Reason.NOT_ALLOWED
                        ? RelayProtocol.STATUS_FORBIDDEN : RelayProtocol.STATUS_NETWORK_UNREACHABLE;
                session.refuse(status, "cannot reach udp " + HostPort.format(target) + ": " + cause.getMessage());
                return;
            }
            Channel upstream = dial.getNow();
            Channel client = session.client();
            if (!client.isActive()) {
                upstream.close();
                return;
            }
            ByteBuf ok = RelayProtocol.response(client.alloc(), RelayProtocol.STATUS_OK);
            if (noDelay) {
                client.writeAndFlush(ok); // before the codec is in place, which would frame it as a datagram
                session.handOver(RelayDatagramCodec.server(target));
            } else {
                session.handOver(RelayDatagramCodec.server(target));
                // GOST's default: the answer goes out in front of the target's first datagram.
                client.pipeline().addBefore(RelayHandler.DATAGRAM_CODEC,
                        "gost-relay-delayed-response", new DelayedHeader(ok));
            }
            LOGGER.debug("{}: relaying datagrams to udp {}", session.who(), HostPort.format(target));
            session.context().relayDatagrams(upstream);
        }));
    }

    /** BIND udp on {@code address}: a port of its own, or an association for port 0. */
    static void bind(RequestSession session, InetSocketAddress address, int udpBufferSize) {
        boolean association = address.getPort() == 0;
        Future<Channel> opened = association ? session.context().router().associate()
                : listen(session, address, udpBufferSize);
        String what = association ? "a UDP association" : "BIND on udp " + HostPort.format(address);
        opened.addListener(done -> session.onClientLoop(() -> {
            if (!opened.isSuccess()) {
                Throwable cause = opened.cause();
                int status = association && cause instanceof RouteException route
                        && route.reason() == RouteException.Reason.NOT_ALLOWED
                        ? RelayProtocol.STATUS_FORBIDDEN : RelayProtocol.STATUS_SERVICE_UNAVAILABLE;
                session.refuse(status, "cannot open " + what + ": " + (cause.getMessage() == null ? cause
                        : cause.getMessage()));
                return;
            }
            Channel upstream = opened.getNow();
            Channel client = session.client();
            if (!client.isActive()) {
                upstream.close();
                return;
            }
            SocketAddress local = upstream.localAddress();
            InetSocketAddress bound = local instanceof InetSocketAddress inet ? inet : new InetSocketAddress(0);
            LOGGER.info("{}: {} open on {}", session.who(), what, HostPort.format(bound));
            client.writeAndFlush(RelayProtocol.response(client.alloc(), RelayProtocol.STATUS_OK, bound));
            session.handOver(UdpTunCodec.server());
            session.context().relayDatagrams(upstream);
        }));
    }

    private static Future<Channel> listen(RequestSession session, InetSocketAddress address, int udpBufferSize) {
        Channel client = session.client();
        Promise<Channel> result = client.eventLoop().newPromise();
        Bootstrap bootstrap = session.context().transport().configureDatagramReads(new Bootstrap()
                .group(client.eventLoop())
                .channelFactory(session.context().transport().datagramChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .handler(EmptyDatagrams.WRITER), udpBufferSize);
        session.context().createClientSideSocket(() -> bootstrap.bind(address)).whenComplete((bind, error) -> {
            if (error != null) {
                result.tryFailure(error);
                return;
            }
            ChannelFuture bound = bind;
            bound.addListener(done -> {
                if (done.isSuccess()) {
                    result.trySuccess(bound.channel());
                } else {
                    bound.channel().close();
                    result.tryFailure(done.cause());
                }
            });
        });
        return result;
    }
}
