package io.gost.plugin.socks.handler;

import io.gost.api.HostPort;
import io.gost.api.datagram.EmptyDatagrams;
import io.gost.api.datagram.UdpTunCodec;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GOST's UDP-TUN (command 0xF3, {@code x/handler/socks/v5/udp_tun.go}): UDP over this TCP connection, each
 * datagram framed as {@link UdpTunCodec} says.
 *
 * <ul>
 *   <li>DST.PORT 0, <b>forwarding</b> (needs {@code udp}): what a GOST (or gost-java) connector asks for to carry
 *       UDP through this hop. Datagrams go to the destinations their frames name, through the service's router:
 *       an association, directly from {@code netns.out} or through the service's chain. Answers come back framed
 *       with their source;</li>
 *   <li>any other DST.PORT, <b>listening</b> (needs {@code bind}): what {@code rudp} asks for. A UDP socket is
 *       opened on DST (strictly: a port in use fails with 0x01) in the service's namespace; what any peer sends
 *       there comes back framed with the peer's address, and frames from the client go to the peer they name.</li>
 * </ul>
 * The reply's BND is the local address of that socket (or of the association). The tunnel lasts as long as the
 * connection; empty datagrams cannot cross it (see {@link UdpTunCodec}).
 */
final class UdpTunCommand implements Socks5Command {

    private static final Logger LOGGER = LoggerFactory.getLogger(UdpTunCommand.class);

    private final CommandSession session;
    private final InetSocketAddress destination;
    private Channel upstream;
    private boolean closed;

    /** @param destination DST of the request: port 0 to forward, else where to listen */
    UdpTunCommand(CommandSession session, InetSocketAddress destination) {
        this.session = session;
        this.destination = destination;
    }

    boolean listening() {
        return destination.getPort() != 0;
    }

    @Override
    public void start() {
        Future<Channel> opened = listening() ? listen() : session.context().router().associate();
        opened.addListener(done -> session.onClientLoop(() -> opened(opened)));
    }

    private Future<Channel> listen() {
        Channel client = session.client();
        io.netty.util.concurrent.Promise<Channel> result = client.eventLoop().newPromise();
        Bootstrap bootstrap = session.context().transport().configureDatagramReads(new Bootstrap()
                .group(client.eventLoop())
                .channelFactory(session.context().transport().datagramChannelFactory())
                .option(ChannelOption.AUTO_READ, false)
                .handler(EmptyDatagrams.WRITER), session.config().udpBufferSize());
        session.context().createClientSideSocket(() -> bootstrap.bind(destination)).whenComplete((bind, error) -> {
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

    private void opened(Future<Channel> opened) {
        String what = listening() ? "UDP-TUN listening on " + HostPort.format(destination) : "UDP-TUN forwarding";
        if (!opened.isSuccess()) {
            Throwable cause = opened.cause();
            Socks5CommandStatus status = listening() ? Socks5CommandStatus.FAILURE
                    : Socks5Replies.forRouteFailure(cause);
            LOGGER.info("{}: {} failed: {}; replying {}", session.describe(), what,
                    cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage(),
                    Socks5Replies.describe(status));
            session.context().recordError(cause);
            session.fail(status);
            return;
        }
        upstream = opened.getNow();
        if (closed || !session.client().isActive()) {
            upstream.close();
            return;
        }
        SocketAddress bound = upstream.localAddress();
        LOGGER.debug("{}: {} (bound {})", session.describe(), what, HostPort.format(bound));
        session.replySuccess(bound instanceof InetSocketAddress ? bound : new InetSocketAddress(0));
        session.becomeDatagramTunnel(UdpTunCodec.server());
        session.context().relayDatagrams(upstream);
    }

    @Override
    public void clientClosed() {
        closed = true;
        if (upstream != null) {
            upstream.close();
        }
    }
}
