package io.gost.plugin.relay;

import io.gost.api.HostPort;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.mux.smux.SmuxSession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay BIND for tcp, as GOST's handler serves it ({@code x/handler/relay/bind.go}), what {@code rtcp} asks for:
 * listen on the address asked for (strictly: a port in use answers 5) in the service's namespace, answer OK with
 * the bound address, then run an smux session over the connection in which this side is the smux <em>client</em>.
 * Each peer that connects to the port gets a stream, which starts with a relay response (OK, the peer's address)
 * and then carries the peer's bytes both ways. The port closes with the connection: also when the client ends its
 * side (a FIN), since smux has no half-close.
 */
final class TcpBindServer {

    private static final Logger LOGGER = LoggerFactory.getLogger(TcpBindServer.class);

    private final RequestSession session;
    private final InetSocketAddress address;
    private final SmuxConfig smuxConfig;
    private Channel listener;
    private SmuxSession smux;
    private boolean closed;

    TcpBindServer(RequestSession session, InetSocketAddress address, SmuxConfig smuxConfig) {
        this.session = session;
        this.address = address;
        this.smuxConfig = smuxConfig;
    }

    void start() {
        Channel client = session.client();
        client.closeFuture().addListener(ended -> session.onClientLoop(this::clientClosed));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(client.eventLoop())
                .channelFactory(session.context().transport().serverSocketChannelFactory())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel peer) {
                        session.onClientLoop(() -> accepted(peer));
                    }
                });
        session.context().createClientSideSocket(() -> bootstrap.bind(address)).whenComplete((bind, error) -> {
            if (error != null) {
                session.onClientLoop(() -> listenFailed(error));
            } else {
                bind.addListener(done -> session.onClientLoop(() -> bound(bind)));
            }
        });
    }

    private void listenFailed(Throwable error) {
        session.refuse(RelayProtocol.STATUS_SERVICE_UNAVAILABLE, "BIND cannot listen on tcp "
                + HostPort.format(address) + ": " + error.getMessage());
    }

    private void bound(ChannelFuture bind) {
        if (!bind.isSuccess()) {
            listenFailed(bind.cause());
            return;
        }
        listener = bind.channel();
        Channel client = session.client();
        if (closed || !client.isActive()) {
            listener.close();
            return;
        }
        InetSocketAddress port = (InetSocketAddress) listener.localAddress();
        LOGGER.info("{}: BIND listening on tcp {}", session.who(), HostPort.format(port));
        client.writeAndFlush(RelayProtocol.response(client.alloc(), RelayProtocol.STATUS_OK, port));
        session.handOver(null);
        // The connector is the smux server; this side opens the streams and refuses any the connector opens.
        smux = SmuxSession.start(client, smuxConfig, true, session.who(), null, 1);
        client.pipeline().addLast(EndOfStreamCloses.NAME, new EndOfStreamCloses());
        smux.closeFuture().addListener(ended -> client.close());
    }

    private void accepted(Channel peer) {
        if (closed || smux == null || !smux.isActive()) {
            peer.close();
            return;
        }
        smux.openStream().addListener(opened -> session.onClientLoop(() -> {
            if (!opened.isSuccess()) {
                LOGGER.debug("{}: BIND cannot open a stream for {}: {}", session.who(),
                        HostPort.format(peer.remoteAddress()), opened.cause().getMessage());
                peer.close();
                return;
            }
            Channel stream = (Channel) opened.getNow();
            stream.writeAndFlush(RelayProtocol.response(stream.alloc(), RelayProtocol.STATUS_OK,
                    (InetSocketAddress) peer.remoteAddress()));
            peer.eventLoop().execute(() -> StreamPipe.join(peer, stream));
        }));
    }

    private void clientClosed() {
        closed = true;
        if (listener != null) {
            listener.close();
            LOGGER.debug("{}: BIND port {} closed with its connection", session.who(),
                    HostPort.format(listener.localAddress()));
        }
        if (smux != null) {
            smux.close();
        }
    }
}
