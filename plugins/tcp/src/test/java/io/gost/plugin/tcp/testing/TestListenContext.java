package io.gost.plugin.tcp.testing;

import io.gost.api.ListenContext;
import io.gost.api.Transport;
import java.net.InetSocketAddress;

/** A {@link ListenContext} made of its three parts. */
public record TestListenContext(InetSocketAddress address, Transport transport, Acceptor acceptor)
        implements ListenContext {

    /** Binds an ephemeral port on 127.0.0.1. */
    public static TestListenContext loopback(Transport transport, Acceptor acceptor) {
        return new TestListenContext(new InetSocketAddress("127.0.0.1", 0), transport, acceptor);
    }
}
