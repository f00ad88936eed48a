package io.gost.plugin.socks.v5;

import io.gost.api.HostPort;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandRequest;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Converts between SOCKS5 address fields (ATYP + text, as Netty's codec carries them) and
 * {@link InetSocketAddress}, without ever resolving a name: a DOMAIN target stays unresolved, so the
 * router (or the last hop of a chain) resolves it.
 */
public final class Socks5Addresses {

    private Socks5Addresses() {
    }

    /**
     * The target of a request: IPv4/IPv6 as resolved addresses built from the literal (no lookup), a
     * DOMAIN as {@link InetSocketAddress#createUnresolved}.
     *
     * @throws IllegalArgumentException for an address type other than IPv4, DOMAIN and IPv6
     */
    public static InetSocketAddress target(Socks5AddressType type, String address, int port) {
        if (type == Socks5AddressType.DOMAIN) {
            return InetSocketAddress.createUnresolved(address, port);
        }
        if (type == Socks5AddressType.IPv4 || type == Socks5AddressType.IPv6) {
            InetAddress literal = NetUtil.createInetAddressFromIpAddressString(address);
            if (literal == null) {
                throw new IllegalArgumentException("not an IP address: " + address);
            }
            return new InetSocketAddress(literal, port);
        }
        throw new IllegalArgumentException("unsupported SOCKS5 address type " + (type.byteValue() & 0xFF));
    }

    /**
     * A CONNECT request for {@code target}: an IP address (resolved, or an unresolved IP literal) goes as
     * IPv4/IPv6, anything else as DOMAIN so that the hop resolves it.
     *
     * @throws IllegalArgumentException when the name is longer than SOCKS5's 255 bytes
     */
    public static Socks5CommandRequest connectRequest(InetSocketAddress target) {
        return request(Socks5CommandType.CONNECT, target);
    }

    /**
     * A request of any command ({@code BIND}, GOST's MBIND 0xF2 and UDP-TUN 0xF3 ...) naming {@code address} as
     * {@link #connectRequest} names a target.
     *
     * @throws IllegalArgumentException when the name is longer than SOCKS5's 255 bytes
     */
    public static Socks5CommandRequest request(Socks5CommandType command, InetSocketAddress address) {
        String host = address.getHostString();
        if (!address.isUnresolved()) {
            InetAddress ip = address.getAddress();
            return new DefaultSocks5CommandRequest(command, typeOf(ip), NetUtil.toAddressString(ip), address.getPort());
        }
        if (NetUtil.isValidIpV4Address(host)) {
            return new DefaultSocks5CommandRequest(command, Socks5AddressType.IPv4, host, address.getPort());
        }
        String unbracketed = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (NetUtil.isValidIpV6Address(unbracketed)) {
            return new DefaultSocks5CommandRequest(command, Socks5AddressType.IPv6,
                    NetUtil.toAddressString(NetUtil.createInetAddressFromIpAddressString(unbracketed)),
                    address.getPort());
        }
        return new DefaultSocks5CommandRequest(command, Socks5AddressType.DOMAIN, host, address.getPort());
    }

    /**
     * A success reply carrying {@code bound}: an IP as IPv4/IPv6, an unresolved name as DOMAIN, 0.0.0.0:0 when it is
     * not an IP socket address.
     */
    public static DefaultSocks5CommandResponse success(SocketAddress bound) {
        if (bound instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress address = inet.getAddress();
            return new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, typeOf(address),
                    NetUtil.toAddressString(address), inet.getPort());
        }
        if (bound instanceof InetSocketAddress inet && inet.isUnresolved()) {
            Socks5CommandRequest named = request(Socks5CommandType.CONNECT, inet);
            return new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, named.dstAddrType(), named.dstAddr(),
                    inet.getPort());
        }
        return new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, Socks5AddressType.IPv4, "0.0.0.0", 0);
    }

    /** A failure reply; BND.ADDR and BND.PORT are zero, as RFC 1928 leaves them meaningless. */
    public static DefaultSocks5CommandResponse failure(Socks5CommandStatus status) {
        return new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4);
    }

    /** IPv4 or IPv6. */
    public static Socks5AddressType typeOf(InetAddress address) {
        return address instanceof Inet4Address ? Socks5AddressType.IPv4 : Socks5AddressType.IPv6;
    }

    /** {@code host:port}, with brackets around IPv6 literals, for messages. */
    public static String format(SocketAddress address) {
        return HostPort.format(address);
    }
}
