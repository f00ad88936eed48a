package io.gost.api;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;

/** Reaches targets for a handler: through the service's chain, or directly. */
public interface Router {

    /**
     * Connects to {@code target} ({@code network} is {@code "tcp"}). The target may be unresolved; it
     * is resolved without blocking, at the last hop when there is a chain. Fails with a
     * {@link RouteException}.
     */
    Future<Channel> dial(String network, InetSocketAddress target);
}
