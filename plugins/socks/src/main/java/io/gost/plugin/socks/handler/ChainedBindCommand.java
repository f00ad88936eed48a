package io.gost.plugin.socks.handler;

import io.gost.api.BindRequest;
import io.gost.api.Binding;
import io.gost.api.HostPort;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.channel.Channel;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BIND on a service with a chain: the port opens on the chain's last hop (a standard BIND there, through its
 * {@link io.gost.api.Binder}), not here, so the client's peer reaches it where the chain leads. The first reply
 * names the hop's bound address, the second the peer once it connected there; then the client and the peer's
 * connection are relayed. No peer within the handshake timeout ({@code readTimeout}): second reply 0x01.
 */
final class ChainedBindCommand implements Socks5Command {

    private static final Logger LOGGER = LoggerFactory.getLogger(ChainedBindCommand.class);

    private final CommandSession session;
    private final InetSocketAddress requested;
    private Binding binding;
    private io.netty.util.concurrent.ScheduledFuture<?> acceptDeadline;
    private boolean finished;

    ChainedBindCommand(CommandSession session, InetSocketAddress requested) {
        this.session = session;
        this.requested = requested;
    }

    @Override
    public void start() {
        Future<Binding> bound = session.context().router().bind(BindRequest.singleTcp(requested),
                peer -> session.onClientLoop(() -> accepted(peer)));
        bound.addListener(done -> session.onClientLoop(() -> bound(bound)));
    }

    private void bound(Future<Binding> bound) {
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            Socks5CommandStatus status = Socks5Replies.forRouteFailure(cause);
            LOGGER.info("{}: BIND through the chain failed: {}; replying {}", session.describe(),
                    cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage(),
                    Socks5Replies.describe(status));
            session.context().recordError(cause);
            session.fail(status);
            return;
        }
        binding = bound.getNow();
        if (finished) {
            binding.close();
            return;
        }
        binding.closeFuture().addListener(ended -> session.onClientLoop(() -> {
            if (!ended.isSuccess() && !finished) {
                finished = true;
                LOGGER.info("{}: BIND through the chain ended before a peer connected: {}; replying {}",
                        session.describe(), ended.cause().getMessage(),
                        Socks5Replies.describe(Socks5CommandStatus.FAILURE));
                session.fail(Socks5CommandStatus.FAILURE);
            }
        }));
        acceptDeadline = session.client().eventLoop().schedule(this::acceptTimedOut,
                session.config().handshakeTimeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        LOGGER.debug("{}: BIND through the chain: the last hop listens on {}", session.describe(),
                HostPort.format(binding.boundAddress()));
        session.replySuccess(session.config().announced(binding.boundAddress()));
        session.readAhead();
    }

    private void accepted(Channel peer) {
        if (finished) {
            peer.close();
            return;
        }
        finished = true;
        if (acceptDeadline != null) {
            acceptDeadline.cancel(false);
        }
        InetSocketAddress peerAddress = peer.attr(Binding.PEER_ADDRESS).get();
        LOGGER.debug("{}: BIND through the chain: {} connected", session.describe(), HostPort.format(peerAddress));
        session.replySuccess(peerAddress != null ? peerAddress : peer.remoteAddress());
        session.relayTo(peer);
    }

    private void acceptTimedOut() {
        if (finished) {
            return;
        }
        finished = true;
        binding.close();
        LOGGER.info("{}: no connection to the BIND port {} on the last hop within {}; replying {}",
                session.describe(), HostPort.format(binding.boundAddress()), session.config().handshakeTimeout(),
                Socks5Replies.describe(Socks5CommandStatus.FAILURE));
        session.fail(Socks5CommandStatus.FAILURE);
    }

    @Override
    public void clientClosed() {
        finished = true;
        if (acceptDeadline != null) {
            acceptDeadline.cancel(false);
        }
        if (binding != null) {
            binding.close();
        }
    }
}
