package io.gost.runtime.match;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * IP literals as the matchers compare them: 4 bytes for IPv4, 16 for IPv6, an IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) as the IPv4 address it carries, and the 128-bit key the tables sort by.
 * Never looks anything up in DNS.
 */
public final class IpAddress {

    private IpAddress() {
    }

    /**
     * The bytes of an IP literal ({@code 192.0.2.1}, {@code ::1}, {@code [::1]}), IPv4-mapped IPv6 as IPv4;
     * {@code null} for anything else (a name).
     */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String literal = text.charAt(0) == '[' && text.charAt(text.length() - 1) == ']'
                ? text.substring(1, text.length() - 1) : text;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        return bytes == null ? null : canonical(bytes);
    }

    /** The address's bytes, IPv4-mapped IPv6 as IPv4. */
    public static byte[] of(InetAddress address) {
        return canonical(address.getAddress());
    }

    static byte[] canonical(byte[] bytes) {
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] ipv6) {
        for (int i = 0; i < 10; i++) {
            if (ipv6[i] != 0) {
                return false;
            }
        }
        return ipv6[10] == (byte) 0xff && ipv6[11] == (byte) 0xff;
    }

    /** The high 64 bits of the address as a 128-bit number (0 for IPv4). */
    static long high(byte[] ip) {
        return ip.length == 4 ? 0 : bits(ip, 0);
    }

    /** The low 64 bits of the address as a 128-bit number (the whole address for IPv4). */
    static long low(byte[] ip) {
        return ip.length == 4 ? bits(ip, 0) & 0xffff_ffffL : bits(ip, 8);
    }

    private static long bits(byte[] ip, int from) {
        int to = Math.min(ip.length, from + 8);
        long value = 0;
        for (int i = from; i < to; i++) {
            value = value << 8 | (ip[i] & 0xff);
        }
        return value;
    }

    /** Text for messages: the address as Netty writes it. */
    public static String format(byte[] ip) {
        return NetUtil.bytesToIpAddress(ip);
    }
}
