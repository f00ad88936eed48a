package io.gost.plugin.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * GOST's relay protocol (go-gost/relay {@code relay.go}, {@code feature.go}), big-endian:
 * <pre>
 * request  VER u8 = 1 | CMD u8    | FEALEN u16 | features
 * response VER u8 = 1 | STATUS u8 | FEALEN u16 | features
 * feature  TYPE u8 | LEN u16 | DATA
 *   1 user auth  ULEN u8, USER, PLEN u8, PASS
 *   2 address    ATYP u8 (1 IPv4, 3 domain with a u8 length, 4 IPv6), ADDR, PORT u16
 *   3 tunnel     20 bytes (tunnel or connector id)
 *   4 network    u16: 0 tcp, 1 udp, 2 ip, 0x10 unix, 0x11 serial
 * </pre>
 * The command's low nibble is the command (0 and 1 CONNECT, 2 BIND, 3 ASSOCIATE); flag 0x80 asks for UDP.
 *
 * <p>What follows a granted request: CONNECT tcp, the target's bytes; CONNECT udp, datagrams framed
 * {@code LEN u16 | DATA} ({@link RelayDatagramCodec}); BIND tcp, an smux session in which the serving side opens a
 * stream per peer, each starting with a response naming the peer; BIND udp, GOST's UDP-TUN frames
 * ({@link io.gost.api.datagram.UdpTunCodec}).
 */
final class RelayProtocol {

    static final int VERSION = 1;
    static final int HEADER_SIZE = 4;

    static final int CMD_CONNECT = 0x01;
    static final int CMD_BIND = 0x02;
    static final int CMD_MASK = 0x0F;
    static final int FLAG_UDP = 0x80;

    static final int STATUS_OK = 0;
    static final int STATUS_BAD_REQUEST = 1;
    static final int STATUS_UNAUTHORIZED = 2;
    static final int STATUS_FORBIDDEN = 3;
    static final int STATUS_TIMEOUT = 4;
    static final int STATUS_SERVICE_UNAVAILABLE = 5;
    static final int STATUS_HOST_UNREACHABLE = 6;
    static final int STATUS_NETWORK_UNREACHABLE = 7;
    static final int STATUS_INTERNAL_SERVER_ERROR = 8;

    static final int FEATURE_USER_AUTH = 1;
    static final int FEATURE_ADDRESS = 2;
    static final int FEATURE_TUNNEL = 3;
    static final int FEATURE_NETWORK = 4;

    static final int ADDR_IPV4 = 1;
    static final int ADDR_DOMAIN = 3;
    static final int ADDR_IPV6 = 4;

    static final int NETWORK_TCP = 0;
    static final int NETWORK_UDP = 1;

    private RelayProtocol() {
    }

    /** A status as messages say it: {@code 7 (network unreachable)}. */
    static String describeStatus(int status) {
        String name = switch (status) {
            case STATUS_OK -> "ok";
            case STATUS_BAD_REQUEST -> "bad request";
            case STATUS_UNAUTHORIZED -> "unauthorized";
            case STATUS_FORBIDDEN -> "forbidden";
            case STATUS_TIMEOUT -> "timeout";
            case STATUS_SERVICE_UNAVAILABLE -> "service unavailable";
            case STATUS_HOST_UNREACHABLE -> "host unreachable";
            case STATUS_NETWORK_UNREACHABLE -> "network unreachable";
            case STATUS_INTERNAL_SERVER_ERROR -> "internal server error";
            default -> "unknown";
        };
        return status + " (" + name + ")";
    }

    /** A network id as GOST names it; unknown ids read as tcp, as in go-gost/relay. */
    static String networkName(int network) {
        return switch (network) {
            case NETWORK_UDP -> "udp";
            case 2 -> "ip";
            case 0x10 -> "unix";
            case 0x11 -> "serial";
            default -> "tcp";
        };
    }

    /** {@code address} resolved when its host is an IP literal (no lookup), else as it is. */
    static InetSocketAddress resolvedIfLiteral(InetSocketAddress address) {
        if (!address.isUnresolved()) {
            return address;
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(address.getHostString());
        if (ip == null) {
            return address;
        }
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(ip), address.getPort());
        } catch (java.net.UnknownHostException e) {
            return address; // only for a byte array of a length no IP has
        }
    }

    /** A response without features. */
    static ByteBuf response(ByteBufAllocator alloc, int status) {
        return alloc.buffer(HEADER_SIZE).writeByte(VERSION).writeByte(status).writeShort(0);
    }

    /**
     * A response with an address feature: the port a BIND opened (in its answer) or the peer that connected to it
     * (at the start of each stream of a TCP bind), as GOST's handler writes them.
     */
    static ByteBuf response(ByteBufAllocator alloc, int status, InetSocketAddress address) {
        ByteBuf response = alloc.buffer(HEADER_SIZE + 3 + 1 + 16 + 2);
        response.writeByte(VERSION).writeByte(status).writeShort(0);
        writeAddress(response, address);
        response.setShort(2, response.readableBytes() - HEADER_SIZE);
        return response;
    }

    /**
     * A CONNECT request for {@code target} (tcp), with the user auth feature when {@code username} is not null,
     * in the order GOST's connector writes them (auth, then address).
     *
     * @throws IllegalArgumentException when a name is longer than the protocol's 255 bytes
     */
    static ByteBuf connectRequest(ByteBufAllocator alloc, InetSocketAddress target, String username,
                                  String password) {
        return connectRequest(alloc, "tcp", target, username, password);
    }

    /**
     * A CONNECT request over {@code network}, as GOST's connector writes it: for udp the UDP flag and the network
     * feature first, then the user auth feature, then the address.
     *
     * @throws IllegalArgumentException when a name is longer than the protocol's 255 bytes
     */
    static ByteBuf connectRequest(ByteBufAllocator alloc, String network, InetSocketAddress target, String username,
                                  String password) {
        boolean udp = "udp".equals(network);
        ByteBuf request = alloc.buffer(64);
        request.writeByte(VERSION).writeByte(udp ? CMD_CONNECT | FLAG_UDP : CMD_CONNECT).writeShort(0);
        try {
            if (udp) {
                request.writeByte(FEATURE_NETWORK).writeShort(2).writeShort(NETWORK_UDP);
            }
            writeUserAuth(request, username, password);
            writeAddress(request, target);
        } catch (IllegalArgumentException e) {
            request.release();
            throw e;
        }
        request.setShort(2, request.readableBytes() - HEADER_SIZE);
        return request;
    }

    /**
     * A BIND request, as GOST's connector writes it ({@code x/connector/relay/bind.go}): the UDP flag for udp, the
     * user auth feature, the network feature, then the address to listen on.
     *
     * @throws IllegalArgumentException when a name is longer than the protocol's 255 bytes
     */
    static ByteBuf bindRequest(ByteBufAllocator alloc, String network, InetSocketAddress address, String username,
                               String password) {
        boolean udp = "udp".equals(network);
        ByteBuf request = alloc.buffer(64);
        request.writeByte(VERSION).writeByte(udp ? CMD_BIND | FLAG_UDP : CMD_BIND).writeShort(0);
        try {
            writeUserAuth(request, username, password);
            request.writeByte(FEATURE_NETWORK).writeShort(2).writeShort(udp ? NETWORK_UDP : NETWORK_TCP);
            writeAddress(request, address);
        } catch (IllegalArgumentException e) {
            request.release();
            throw e;
        }
        request.setShort(2, request.readableBytes() - HEADER_SIZE);
        return request;
    }

    private static void writeUserAuth(ByteBuf request, String username, String password) {
        if (username == null) {
            return;
        }
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        byte[] pass = password.getBytes(StandardCharsets.UTF_8);
        if (user.length > 255 || pass.length > 255) {
            throw new IllegalArgumentException("relay user names and passwords are at most 255 bytes");
        }
        request.writeByte(FEATURE_USER_AUTH).writeShort(2 + user.length + pass.length);
        request.writeByte(user.length).writeBytes(user).writeByte(pass.length).writeBytes(pass);
    }

    private static void writeAddress(ByteBuf out, InetSocketAddress target) {
        if (!target.isUnresolved()) {
            // A socket's own address: its bytes, never a name it may carry.
            byte[] ip = target.getAddress().getAddress();
            out.writeByte(FEATURE_ADDRESS).writeShort(1 + ip.length + 2).writeByte(ip.length == 4 ? ADDR_IPV4 : ADDR_IPV6)
                    .writeBytes(ip).writeShort(target.getPort());
            return;
        }
        String host = target.getHostString();
        byte[] ipv4 = NetUtil.createByteArrayFromIpAddressString(host);
        if (ipv4 != null && ipv4.length == 4) {
            out.writeByte(FEATURE_ADDRESS).writeShort(1 + 4 + 2).writeByte(ADDR_IPV4).writeBytes(ipv4);
        } else if (ipv4 != null && ipv4.length == 16) {
            out.writeByte(FEATURE_ADDRESS).writeShort(1 + 16 + 2).writeByte(ADDR_IPV6).writeBytes(ipv4);
        } else {
            byte[] name = host.getBytes(StandardCharsets.UTF_8);
            if (name.length > 255) {
                throw new IllegalArgumentException("a relay address names a host in at most 255 bytes, not "
                        + name.length);
            }
            out.writeByte(FEATURE_ADDRESS).writeShort(1 + 1 + name.length + 2).writeByte(ADDR_DOMAIN)
                    .writeByte(name.length).writeBytes(name);
        }
        out.writeShort(target.getPort());
    }
}
