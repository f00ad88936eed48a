package io.gost.plugin.socks.handler;

import io.gost.api.HostPort;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.mux.smux.SmuxSession;
import io.gost.plugin.socks.v5.EndOfStreamCloses;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GOST's MBIND (command 0xF2, {@code x/handler/socks/v5/mbind.go}), what {@code rtcp} asks for: listen on DST
 * (strictly: a port in use fails with 0x01) in the service's namespace, reply with the bound port, then run an smux
 * session over the control connection in which this server is the smux <em>client</em>. Each peer that connects
 * to the port gets a stream, which starts with a SOCKS5 success reply naming the peer ({@code 05 00 00 ATYP ADDR
 * PORT}, as GOST writes it unless {@code comp}), then carries the peer's bytes both ways. The port closes with the
 * control connection: also when the connector ends its side (a FIN), since smux has no half-close.
 */
final class MbindCommand implements Socks5Command {

    private static final Logger LOGGER = LoggerFactory.getLogger(MbindCommand.class);

    private final CommandSession session;
    private final InetSocketAddress destination;
    private Channel listener;
    private SmuxSession smux;
    private boolean closed;

    MbindCommand(CommandSession session, InetSocketAddress destination) {
        this.session = session;
        this.destination = destination;
    }

    @Override
    public void start() {
        Channel client = session.client();
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
        session.context().createClientSideSocket(() -> bootstrap.bind(destination)).whenComplete((bind, error) -> {
            if (error != null) {
                session.onClientLoop(() -> listenFailed(error));
            } else {
                bind.addListener(done -> session.onClientLoop(() -> bound(bind)));
            }
        });
    }

    private void listenFailed(Throwable error) {
        LOGGER.info("{}: MBIND cannot listen on {}: {}; replying {}", session.describe(), HostPort.format(destination),
                error.getMessage(), Socks5Replies.describe(Socks5CommandStatus.FAILURE));
        session.context().recordError(error);
        session.fail(Socks5CommandStatus.FAILURE);
    }

    private void bound(ChannelFuture bind) {
        if (!bind.isSuccess()) {
            listenFailed(bind.cause());
            return;
        }
        listener = bind.channel();
        if (closed || !session.client().isActive()) {
            listener.close();
            return;
        }
        InetSocketAddress local = (InetSocketAddress) session.client().localAddress();
        InetSocketAddress port = (InetSocketAddress) listener.localAddress();
        LOGGER.debug("{}: MBIND listening on {}", session.describe(), HostPort.format(port));
        session.replySuccess(session.config().announced(new InetSocketAddress(local.getAddress(), port.getPort())));
        session.becomeStreamCarrier();
        // The connector is the smux server; this side opens the streams and refuses any the connector opens.
        smux = SmuxSession.start(session.client(), SmuxConfig.DEFAULT, true, session.describe(), null, 1);
        // The connector closing its side ends the session, and the port with it, at once.
        session.client().pipeline().addLast(EndOfStreamCloses.NAME, EndOfStreamCloses.INSTANCE);
        smux.closeFuture().addListener(ended -> session.client().close());
        session.client().closeFuture().addListener(ended -> clientClosed());
    }

    private void accepted(Channel peer) {
        if (closed || smux == null || !smux.isActive()) {
            peer.close();
            return;
        }
        smux.openStream().addListener(opened -> session.onClientLoop(() -> {
            if (!opened.isSuccess()) {
                LOGGER.debug("{}: MBIND cannot open a stream for {}: {}", session.describe(),
                        HostPort.format(peer.remoteAddress()), opened.cause().getMessage());
                peer.close();
                return;
            }
            Channel stream = (Channel) opened.getNow();
            stream.writeAndFlush(peerReply(stream, (InetSocketAddress) peer.remoteAddress()));
            peer.eventLoop().execute(() -> Pipe.join(peer, stream));
        }));
    }

    /** {@code 05 00 00 ATYP ADDR PORT} naming the peer, as GOST's MBIND writes it at the start of each stream. */
    private static ByteBuf peerReply(Channel stream, InetSocketAddress peer) {
        byte[] address = peer.getAddress().getAddress();
        ByteBuf reply = stream.alloc().buffer(6 + address.length);
        reply.writeByte(0x05).writeByte(0x00).writeByte(0x00);
        reply.writeByte(peer.getAddress() instanceof Inet4Address ? 0x01 : 0x04);
        reply.writeBytes(address);
        reply.writeShort(peer.getPort());
        return reply;
    }

    @Override
    public void clientClosed() {
        closed = true;
        if (listener != null) {
            listener.close();
        }
        if (smux != null) {
            smux.close();
        }
    }
}
