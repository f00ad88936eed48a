package io.gost.api;

import io.netty.util.concurrent.Future;
import java.net.SocketAddress;

/**
 * A port a reverse listener ({@code rtcp}, {@code rudp}) keeps open for its service: on the last hop of the
 * service's listener chain, or locally when there is none. Opened by {@link ListenContext#openRemotePort}.
 */
public interface RemotePort extends AutoCloseable {

    /**
     * Completes when the listener may report itself started: with the bound address once a local port is open;
     * through a chain at once, with the address asked for, because the hop may be down at start-up and is then
     * tried again in the background (as GOST does).
     */
    Future<SocketAddress> started();

    /** Closes the port (and the connection to the hop); no more attempts. Idempotent. */
    @Override
    void close();
}
