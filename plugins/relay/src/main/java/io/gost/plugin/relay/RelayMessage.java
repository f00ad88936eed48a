package io.gost.plugin.relay;

import java.net.InetSocketAddress;

/**
 * A decoded request (the command in {@code code}) or response (the status in {@code code}) with the features
 * gost-java reads.
 *
 * @param code     the request's command byte (flags included) or the response's status
 * @param username the user auth feature's user, or {@code null} without one
 * @param password the user auth feature's password, or {@code null}
 * @param address  the address feature as an unresolved address, or {@code null} without one
 * @param network  the network feature's id, or -1 without one
 */
record RelayMessage(int code, String username, String password, InetSocketAddress address, int network) {

    /** The network asked for: the network feature, or udp with the (deprecated) UDP flag. */
    String networkName() {
        if ((code & RelayProtocol.FLAG_UDP) != 0) {
            return "udp";
        }
        return network < 0 ? "tcp" : RelayProtocol.networkName(network);
    }

    @Override
    public String toString() {
        // Never the password.
        return "RelayMessage[code=0x" + Integer.toHexString(code) + ", user=" + username + ", address=" + address
                + ", network=" + network + "]";
    }
}
