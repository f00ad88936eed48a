package io.gost.plugin.udp.reverse;

import io.gost.api.BindRequest;
import io.gost.api.ListenContext;
import io.gost.api.Listener;
import io.gost.api.RemotePort;
import io.gost.api.datagram.DatagramSessions;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * The listener of a reverse service, {@code rtcp} or {@code rudp}: its port is opened by the runtime
 * ({@link ListenContext#openRemotePort}) on the last hop of the listener's chain, which hands back what arrives,
 * or locally without a chain. tcp asks for many connections over one connection to the hop (SOCKS5 MBIND, relay
 * BIND), as GOST's rtcp always does; udp for datagrams sorted into sessions.
 */
final class ReverseListener implements Listener {

    private final String network;
    private final DatagramSessions.Options sessions;
    private volatile RemotePort port;
    private volatile boolean closed;

    /** @param sessions the bounds of udp sessions; {@code null} for tcp */
    ReverseListener(String network, DatagramSessions.Options sessions) {
        this.network = Objects.requireNonNull(network, "network");
        this.sessions = sessions;
    }

    @Override
    public Future<SocketAddress> bind(ListenContext context) {
        BindRequest request = network.equals("tcp") ? BindRequest.multiplexedTcp(context.address())
                : BindRequest.udp(context.address(), sessions);
        RemotePort opened = context.openRemotePort(request);
        port = opened;
        if (closed) {
            opened.close();
        }
        return opened.started();
    }

    @Override
    public void close() {
        closed = true;
        RemotePort opened = port;
        if (opened != null) {
            opened.close();
        }
    }

    @Override
    public String toString() {
        return "ReverseListener[" + network + (sessions == null ? "" : ", " + sessions) + "]";
    }
}
