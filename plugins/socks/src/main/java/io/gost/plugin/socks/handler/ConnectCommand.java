package io.gost.plugin.socks.handler;

import io.gost.plugin.socks.v5.Socks5Addresses;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.channel.Channel;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CONNECT: dials the target through the service's router (its chain, or directly), answers 0x00 with the
 * upstream connection's local address and hands both connections to the relay; on failure answers the
 * code {@link Socks5Replies#forRouteFailure} gives for the router's {@link io.gost.api.RouteException}
 * and closes.
 */
final class ConnectCommand implements Socks5Command {

    private static final Logger LOGGER = LoggerFactory.getLogger(ConnectCommand.class);

    private final CommandSession session;
    private final InetSocketAddress target;

    ConnectCommand(CommandSession session, InetSocketAddress target) {
        this.session = session;
        this.target = target;
    }

    @Override
    public void start() {
        Future<Channel> dial;
        try {
            dial = session.context().router().dial("tcp", target);
        } catch (RuntimeException e) {
            LOGGER.warn("{}: the router failed to start a dial to {}; replying {}", session.describe(),
                    Socks5Addresses.format(target), Socks5Replies.describe(Socks5CommandStatus.FAILURE), e);
            session.fail(Socks5CommandStatus.FAILURE);
            return;
        }
        dial.addListener(done -> session.onClientLoop(() -> dialed(dial)));
    }

    private void dialed(Future<Channel> dial) {
        if (!dial.isSuccess()) {
            Throwable cause = dial.cause();
            Socks5CommandStatus status = Socks5Replies.forRouteFailure(cause);
            LOGGER.info("{}: CONNECT {} failed: {}; replying {}", session.describe(), Socks5Addresses.format(target),
                    cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage(),
                    Socks5Replies.describe(status));
            session.fail(status);
            return;
        }
        Channel upstream = dial.getNow();
        if (!session.client().isActive()) {
            LOGGER.debug("{}: the client left while {} was being dialed; closing the upstream", session.describe(),
                    Socks5Addresses.format(target));
            upstream.close();
            return;
        }
        session.replySuccess(upstream.localAddress());
        session.relayTo(upstream);
    }

    @Override
    public void clientClosed() {
        // Nothing held yet: when the dial completes, dialed() sees the client gone and closes the upstream.
    }
}
