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
}
