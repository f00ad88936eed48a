package io.gost.plugin.socks.v5;

import io.gost.api.RouteException;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.util.Locale;

/**
 * SOCKS5 reply codes (RFC 1928 §6): their names for messages, and the code a server answers when a
 * target cannot be reached.
 *
 * <p>{@link RouteException.Reason} to reply code:
 * <table>
 *   <caption>reply code per route failure</caption>
 *   <tr><th>reason</th><th>code</th></tr>
 *   <tr><td>REFUSED</td><td>0x05 connection refused</td></tr>
 *   <tr><td>TIMEOUT</td><td>0x04 host unreachable: RFC 1928 has no timeout code; 0x06 (TTL expired) means
 *       an IP TTL ran out, which is not what happened, and clients (curl, Dante) report 0x04 as "host
 *       unreachable", which is what a user sees when a connect times out</td></tr>
 *   <tr><td>UNREACHABLE</td><td>0x03 network unreachable when the cause says so (ENETUNREACH,
 *       "Network is unreachable"), otherwise 0x04 host unreachable (EHOSTUNREACH / no route to host, a name
 *       that does not resolve)</td></tr>
 *   <tr><td>NOT_ALLOWED</td><td>0x02 connection not allowed by ruleset</td></tr>
 *   <tr><td>HOP_REJECTED, GENERAL, anything not a RouteException</td><td>0x01 general SOCKS server
 *       failure</td></tr>
 * </table>
 */
public final class Socks5Replies {

    private Socks5Replies() {
    }

    /** The reply a server sends when reaching a target failed with {@code cause}. */
    public static Socks5CommandStatus forRouteFailure(Throwable cause) {
        if (!(cause instanceof RouteException route)) {
            return Socks5CommandStatus.FAILURE;
        }
        return switch (route.reason()) {
            case REFUSED -> Socks5CommandStatus.CONNECTION_REFUSED;
            case TIMEOUT -> Socks5CommandStatus.HOST_UNREACHABLE;
            case UNREACHABLE -> saysNetworkUnreachable(route)
                    ? Socks5CommandStatus.NETWORK_UNREACHABLE
                    : Socks5CommandStatus.HOST_UNREACHABLE;
            case NOT_ALLOWED -> Socks5CommandStatus.FORBIDDEN;
            case HOP_REJECTED, GENERAL -> Socks5CommandStatus.FAILURE;
        };
    }

    /**
     * True when the failure or one of its causes is ENETUNREACH. The JDK reports it as a plain
     * {@code SocketException} and Netty's epoll transport as a {@code NoRouteToHostException}, both with
     * the kernel's text, so the text is what can be relied on.
     */
    private static boolean saysNetworkUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("network is unreachable")) {
                return true;
            }
        }
        return false;
    }

    /** {@code 0x05 connection refused}: the code and its RFC 1928 meaning, for messages. */
    public static String describe(Socks5CommandStatus status) {
        int code = status.byteValue() & 0xFF;
        return String.format("0x%02x %s", code, meaning(code));
    }

    private static String meaning(int code) {
        return switch (code) {
            case 0x00 -> "succeeded";
            case 0x01 -> "general SOCKS server failure";
            case 0x02 -> "connection not allowed by ruleset";
            case 0x03 -> "network unreachable";
            case 0x04 -> "host unreachable";
            case 0x05 -> "connection refused";
            case 0x06 -> "TTL expired";
            case 0x07 -> "command not supported";
            case 0x08 -> "address type not supported";
            default -> "unassigned reply code";
        };
    }
}
