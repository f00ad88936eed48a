package io.gost.plugin.socks.v5;

import io.netty.handler.codec.socksx.v5.Socks5CommandType;

/**
 * GOST's SOCKS5 commands beyond RFC 1928's ({@code x/internal/util/socks/socks.go}).
 */
public final class Socks5Commands {

    /**
     * MBIND: a BIND whose connections come back multiplexed (smux) over the control connection, the server being
     * the smux client; what GOST's {@code rtcp} asks for.
     */
    public static final Socks5CommandType MBIND = Socks5CommandType.valueOf((byte) 0xF2);

    /**
     * UDP-TUN: UDP over the TCP connection, framed as GOST's UDP-over-TCP datagrams. DST.PORT 0 asks the server
     * to forward datagrams to their destinations (needs {@code udp}); any other port asks it to listen there and
     * hand back what arrives ({@code rudp}; needs {@code bind}).
     */
    public static final Socks5CommandType UDP_TUN = Socks5CommandType.valueOf((byte) 0xF3);

    private Socks5Commands() {
    }

    /** The command as messages name it: {@code CONNECT}, {@code BIND}, {@code UDP ASSOCIATE}, {@code MBIND} ... */
    public static String name(Socks5CommandType type) {
        int code = type.byteValue() & 0xFF;
        return switch (code) {
            case 0x01 -> "CONNECT";
            case 0x02 -> "BIND";
            case 0x03 -> "UDP ASSOCIATE";
            case 0xF2 -> "MBIND";
            case 0xF3 -> "UDP-TUN";
            default -> String.format("command 0x%02x", code);
        };
    }
}
