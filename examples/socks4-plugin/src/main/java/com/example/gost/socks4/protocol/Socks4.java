package com.example.gost.socks4.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * SOCKS4 and SOCKS4a on the wire: the numbers, and the two messages both sides write.
 *
 * <p>Request: {@code VN=4, CD, DSTPORT(2), DSTIP(4), USERID, 0}. SOCKS4a puts {@code 0.0.0.x} (x not 0)
 * in DSTIP and the host name after the user id: {@code ..., USERID, 0, HOST, 0}, so that the server
 * resolves the name. Reply: {@code VN=0, CD, DSTPORT(2), DSTIP(4)}, eight bytes.
 */
public final class Socks4 {

    /** The version byte of a request. */
    public static final int VERSION = 0x04;
    /** The version byte of a reply. */
    public static final int REPLY_VERSION = 0x00;

    /** Command CONNECT: open a TCP connection to DSTIP:DSTPORT. */
    public static final int CONNECT = 0x01;
    /** Command BIND: accept one connection from the target (FTP-style); not supported here. */
    public static final int BIND = 0x02;

    /** Request granted. */
    public static final int GRANTED = 0x5A;
    /** Request rejected or failed. */
    public static final int REJECTED = 0x5B;
    /** Rejected because the server cannot reach identd on the client. */
    public static final int IDENTD_UNREACHABLE = 0x5C;
    /** Rejected because the user id is not accepted. */
    public static final int USERID_REJECTED = 0x5D;

    /** A reply is always this long. */
    public static final int REPLY_LENGTH = 8;
    /** The longest user id or SOCKS4a host name accepted, in bytes (a host name has at most 255). */
    public static final int MAX_FIELD_LENGTH = 255;

    /** The DSTIP that marks a SOCKS4a request: 0.0.0.1. */
    private static final byte[] SOCKS4A_MARKER = {0, 0, 0, 1};

    private Socks4() {
    }

    /**
     * A CONNECT request for {@code target}: SOCKS4 for an IPv4 address (also when it arrives unresolved,
     * as a literal such as {@code 127.0.0.1}: servers without SOCKS4a, like Dante, need the plain form),
     * SOCKS4a (the hop resolves the name) for a host name.
     *
     * @throws IllegalArgumentException for an IPv6 address (SOCKS4 has no room for one), or a user id or
     *                                  host name that is too long or contains a zero byte
     */
    public static ByteBuf encodeConnect(ByteBufAllocator alloc, InetSocketAddress target, String userId) {
        byte[] user = field("user id", userId);
        if (target.isUnresolved() && NetUtil.isValidIpV4Address(target.getHostString())) {
            target = new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(target.getHostString()),
                    target.getPort());
        }
        byte[] host = target.isUnresolved() ? field("host name", target.getHostString()) : null;
        if (host == null && !(target.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("SOCKS4 carries IPv4 addresses and host names only, not "
                    + NetUtil.toAddressString(target.getAddress()));
        }
        ByteBuf request = alloc.buffer(9 + user.length + (host == null ? 0 : host.length + 1));
        request.writeByte(VERSION).writeByte(CONNECT).writeShort(target.getPort())
                .writeBytes(host == null ? target.getAddress().getAddress() : SOCKS4A_MARKER)
                .writeBytes(user).writeByte(0);
        if (host != null) {
            request.writeBytes(host).writeByte(0);
        }
        return request;
    }

    /** A reply with {@code code} and a zero DSTPORT and DSTIP, which clients ignore for CONNECT. */
    public static ByteBuf encodeReply(ByteBufAllocator alloc, int code) {
        return alloc.buffer(REPLY_LENGTH).writeByte(REPLY_VERSION).writeByte(code).writeShort(0).writeInt(0);
    }

    /** {@code 0x5B (rejected or failed)}: a reply code as people read it. */
    public static String describeReply(int code) {
        String meaning = switch (code) {
            case GRANTED -> "granted";
            case REJECTED -> "rejected or failed";
            case IDENTD_UNREACHABLE -> "rejected: identd unreachable";
            case USERID_REJECTED -> "rejected: user id not accepted";
            default -> "not a SOCKS4 reply code";
        };
        return hex(code) + " (" + meaning + ")";
    }

    /** {@code 0x5B}. */
    public static String hex(int value) {
        return String.format("0x%02X", value);
    }

    private static byte[] field(String what, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_FIELD_LENGTH) {
            throw new IllegalArgumentException("SOCKS4 " + what + " is longer than " + MAX_FIELD_LENGTH + " bytes");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("SOCKS4 " + what + " must not contain a zero byte");
            }
        }
        return bytes;
    }
}
