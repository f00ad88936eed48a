package io.gost.api;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;

/** The fixed targets of a forwarding service, selected node by node as its selector says. */
public interface Forwarder {

    /**
     * Selects a node, dials its address through the service's router, and on failure marks the node
     * and tries the next one, up to the service's retries. Fails with a {@link RouteException}.
     */
    Future<Channel> dial();

    /**
     * As {@link #dial()}, for {@code network} {@code "tcp"} or {@code "udp"} ({@link Router#dial} says what a
     * udp channel is). Unless overridden, dials tcp and fails anything else with a {@link RouteException}.
     */
    default Future<Channel> dial(String network) {
        if ("tcp".equals(network)) {
            return dial();
        }
        return io.netty.util.concurrent.ImmediateEventExecutor.INSTANCE.newFailedFuture(new RouteException(
                RouteException.Reason.GENERAL, getClass().getName() + " forwards tcp only, not " + network));
    }
}
