package io.gost.plugin.socks.handler;

import io.gost.plugin.socks.v5.Socks5Addresses;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BIND (RFC 1928 §4): opens a listening socket, tells the client its address in a first reply, waits for
 * one incoming connection, tells the client the peer's address in a second reply, then relays.
 *
 * <p>The socket is created through {@link io.gost.api.HandlerContext#createClientSideSocket}, so it lives
 * in the service's network namespace (GOST's {@code netns}), and is bound to the local IP of the client's
 * control connection with an ephemeral port (the address the client reached us on is the one it can
 * pass on). The request's DST.ADDR/DST.PORT are not used to filter the peer. Only the first connection is
 * taken; the listener closes then. No peer within the handshake timeout: second reply 0x01, close.
 * On a service with a chain, {@link ChainedBindCommand} opens the port on the chain's last hop instead.
 *
 * <p>While waiting, one read on the control connection detects a client that gives up; bytes it sends
 * early are kept and written to the peer before the relay starts.
 */
final class BindCommand implements Socks5Command {

    private static final Logger LOGGER = LoggerFactory.getLogger(BindCommand.class);

    private final CommandSession session;
    private final EventLoop loop;
    private Channel listener;
    private ScheduledFuture<?> acceptDeadline;
    private boolean finished;

    BindCommand(CommandSession session) {
        this.session = session;
        this.loop = session.client().eventLoop();
    }

    @Override
    public void start() {
        InetSocketAddress local = (InetSocketAddress) session.client().localAddress();
        InetSocketAddress bindAddress = new InetSocketAddress(local.getAddress(), 0);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channelFactory(session.context().transport().serverSocketChannelFactory())
                .option(ChannelOption.SO_BACKLOG, 1)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel peer) {
                        session.onClientLoop(() -> accepted(peer));
                    }
                });
        session.context().createClientSideSocket(() -> bootstrap.bind(bindAddress))
                .whenComplete((bind, error) -> {
                    if (error != null) {
                        session.onClientLoop(() -> listenFailed(bindAddress, error));
                    } else {
                        bind.addListener(done -> session.onClientLoop(() -> bound(bind, bindAddress)));
                    }
                });
    }

    private void listenFailed(InetSocketAddress bindAddress, Throwable error) {
        LOGGER.info("{}: BIND cannot listen on {}: {}; replying {}", session.describe(),
                Socks5Addresses.format(bindAddress), error.getMessage(),
                Socks5Replies.describe(Socks5CommandStatus.FAILURE));
        session.fail(Socks5CommandStatus.FAILURE);
    }

    private void bound(ChannelFuture bind, InetSocketAddress bindAddress) {
        if (!bind.isSuccess()) {
            listenFailed(bindAddress, bind.cause());
            return;
        }
        listener = bind.channel();
        if (finished) {
            listener.close();
            return;
        }
        acceptDeadline = loop.schedule(this::acceptTimedOut, session.config().handshakeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        LOGGER.debug("{}: BIND listening on {}", session.describe(), Socks5Addresses.format(listener.localAddress()));
        session.replySuccess(session.config().announced((InetSocketAddress) listener.localAddress()));
        session.readAhead();
    }

    private void accepted(Channel peer) {
        if (finished) {
            peer.close();
            return;
        }
        finished = true;
        cancelDeadline();
        listener.close();
        LOGGER.debug("{}: BIND accepted {}", session.describe(), Socks5Addresses.format(peer.remoteAddress()));
        session.replySuccess(peer.remoteAddress());
        session.relayTo(peer);
    }

    private void acceptTimedOut() {
        if (finished) {
            return;
        }
        finished = true;
        String port = Socks5Addresses.format(listener.localAddress());
        listener.close();
        LOGGER.info("{}: no connection to the BIND port {} within {}; replying {}", session.describe(),
                port, session.config().handshakeTimeout(),
                Socks5Replies.describe(Socks5CommandStatus.FAILURE));
        session.fail(Socks5CommandStatus.FAILURE);
    }

    private void cancelDeadline() {
        if (acceptDeadline != null) {
            acceptDeadline.cancel(false);
        }
    }

    @Override
    public void clientClosed() {
        finished = true;
        cancelDeadline();
        if (listener != null) {
            listener.close();
        }
    }
}
