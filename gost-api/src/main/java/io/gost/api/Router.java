package io.gost.api;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;

/**
 * Reaches targets for a handler: through the service's chain, or directly.
 *
 * <p>Only {@link #dial} must be implemented; the datagram and bind methods have defaults that fail, for
 * stand-ins (tests, tools) that offer only streams.
 */
public interface Router {

    /**
     * Connects to {@code target}. The target may be unresolved; it is resolved without blocking, at the last hop
     * when there is a chain. Fails with a {@link RouteException}.
     *
     * @param network {@code "tcp"}: the channel carries the target's byte stream. {@code "udp"}: the channel is a
     *                datagram channel with one peer, the target (see {@link io.gost.api.datagram}): a UDP socket
     *                connected to it (directly, created in the namespace of {@code netns.out}) or, through a
     *                chain, a tunnel to the last hop (SOCKS5 UDP-TUN, relay)
     */
    Future<Channel> dial(String network, InetSocketAddress target);

    /**
     * A datagram channel that reaches any destination: an <em>association</em>, for a SOCKS5 client's UDP. Each
     * datagram written goes to its {@code recipient()} (resolved without blocking; a name goes as it is through a
     * chain); each datagram read names its {@code sender()}. Directly, an unbound UDP socket in the namespace of
     * {@code netns.out}; through a chain, a UDP-TUN association with the last hop. Fails with a
     * {@link RouteException}. Unless overridden, fails saying this router has no associations.
     */
    default Future<Channel> associate() {
        return ImmediateEventExecutor.INSTANCE.newFailedFuture(new RouteException(RouteException.Reason.GENERAL,
                getClass().getName() + " cannot associate UDP"));
    }

    /**
     * Opens a port on the last hop of the service's chain as {@code request} says (a client's BIND through a
     * chain); what arrives goes to {@code acceptor}. Fails with a {@link RouteException}, {@code GENERAL} when the
     * last hop's connector is not a {@link Binder}. Unless overridden, fails saying this router cannot bind.
     */
    default Future<Binding> bind(BindRequest request, ListenContext.Acceptor acceptor) {
        return ImmediateEventExecutor.INSTANCE.newFailedFuture(new RouteException(RouteException.Reason.GENERAL,
                getClass().getName() + " cannot bind " + request.network() + " " + request.address()));
    }
}
