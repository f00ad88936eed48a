package io.gost.api;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Addresses written as GOST, URLs and curl write them, for every message and log line: {@code host:port}
 * with an IPv6 address in brackets and in its short form ({@code [::1]:8080}, where Java writes
 * {@code /0:0:0:0:0:0:0:1:8080}), so the port stays apart from the address and the text can be pasted
 * back into a URL; a name as it was given (an unresolved address is not looked up).
 */
public final class HostPort {

    private HostPort() {
    }

    /** {@code host:port}; anything that is not an {@link InetSocketAddress} as its {@code toString()}. */
    public static String format(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet)) {
            return String.valueOf(address);
        }
        String host = !inet.isUnresolved() && inet.getAddress() != null
                ? NetUtil.toAddressString(inet.getAddress()) : inet.getHostString();
        return host(host) + ":" + inet.getPort();
    }

    /** A host as it goes before {@code :port}: an IPv6 literal in brackets, anything else as it is. */
    public static String host(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
