package io.gost.runtime.service;

import java.net.InetSocketAddress;

/** GOST's {@code host:port} addresses: {@code :8080}, {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code example.com:80}. */
public final class Addresses {

    private Addresses() {
    }

    /** Host and port of {@code addr}; the host is empty for {@code :8080}. */
    public record HostPort(String host, int port) {
    }

    /**
     * Splits {@code addr} into host and port.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static HostPort split(String addr) {
        String text = addr == null ? "" : addr.trim();
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address '" + addr + "' has no port; write host:port or :port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("address '" + addr + "': write IPv6 hosts in brackets, e.g. [::1]:8080");
        }
        String portText = text.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + addr + "': port '" + portText + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("address '" + addr + "': port " + port + " is out of range 0-65535");
        }
        return new HostPort(host, port);
    }

    /** The address to bind: an empty host means every interface. Literal IPs are not looked up. */
    public static InetSocketAddress listen(String addr) {
        HostPort hostPort = split(addr);
        return hostPort.host().isEmpty() ? new InetSocketAddress(hostPort.port())
                : new InetSocketAddress(hostPort.host(), hostPort.port());
    }

    /**
     * The address to dial, unresolved so that the resolver (or the last hop of a chain) resolves it. An
     * empty host means this host, as Go's dialer treats {@code :8080}.
     */
    public static InetSocketAddress target(String addr) {
        HostPort hostPort = split(addr);
        if (hostPort.port() == 0) {
            throw new IllegalArgumentException("address '" + addr + "': a target needs a port other than 0");
        }
        return InetSocketAddress.createUnresolved(hostPort.host().isEmpty() ? "127.0.0.1" : hostPort.host(),
                hostPort.port());
    }
}
