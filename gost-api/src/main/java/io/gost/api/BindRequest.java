package io.gost.api;

import io.gost.api.datagram.DatagramSessions;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What to open on a hop (or locally) so that connections or datagrams come back: GOST's {@code Bind}.
 *
 * @param network   {@code "tcp"}: each incoming connection comes back as a channel; {@code "udp"}: each peer's
 *                  datagrams come back as a session ({@link io.gost.api.datagram.DatagramSessionChannel})
 * @param address   where to listen; port 0 lets the hop choose (not every protocol can ask for it)
 * @param multiplex tcp only: many connections over the one connection to the hop (SOCKS5 MBIND, relay BIND,
 *                  what {@code rtcp} uses) rather than the single connection of a standard SOCKS5 BIND
 * @param sessions  udp only: the bounds of the sessions the datagrams are sorted into; {@code null} for tcp
 */
public record BindRequest(String network, InetSocketAddress address, boolean multiplex,
                          DatagramSessions.Options sessions) {

    public BindRequest {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(address, "address");
        if (!network.equals("tcp") && !network.equals("udp")) {
            throw new IllegalArgumentException("a bind is for tcp or udp, not " + network);
        }
        if (network.equals("udp") && sessions == null) {
            throw new IllegalArgumentException("a udp bind needs the bounds of its sessions");
        }
    }

    /** Many tcp connections over one connection to the hop, as {@code rtcp} asks. */
    public static BindRequest multiplexedTcp(InetSocketAddress address) {
        return new BindRequest("tcp", address, true, null);
    }

    /** The one tcp connection of a standard SOCKS5 BIND. */
    public static BindRequest singleTcp(InetSocketAddress address) {
        return new BindRequest("tcp", address, false, null);
    }

    /** Datagrams from any peer, sorted into sessions, as {@code rudp} asks. */
    public static BindRequest udp(InetSocketAddress address, DatagramSessions.Options sessions) {
        return new BindRequest("udp", address, false, sessions);
    }
}
