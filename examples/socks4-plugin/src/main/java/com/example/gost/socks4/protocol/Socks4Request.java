package com.example.gost.socks4.protocol;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One decoded SOCKS4 or SOCKS4a request.
 *
 * @param command {@link Socks4#CONNECT}, {@link Socks4#BIND} or whatever else the client sent
 * @param target  where the client wants to go; unresolved for SOCKS4a (the server resolves the name)
 * @param userId  the USERID field, possibly empty
 */
public record Socks4Request(int command, InetSocketAddress target, String userId) {

    public Socks4Request {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(userId, "userId");
    }

    /** True for the SOCKS4a form, which carried a host name instead of an address. */
    public boolean socks4a() {
        return target.isUnresolved();
    }
}
