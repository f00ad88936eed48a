package io.gost.api;

/**
 * Why a target or hop could not be reached. Handlers turn {@link #reason()} into their protocol's answer
 * (HTTP 502/504/403, a SOCKS reply code); the message names the target and, in a chain, the hop.
 */
public class RouteException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure a client protocol can express. */
    public enum Reason {
        /** The target (or a hop) actively refused the connection. HTTP 502, SOCKS5 0x05. */
        REFUSED,
        /** No answer within the dial timeout. HTTP 504, SOCKS5 0x04 (host unreachable). */
        TIMEOUT,
        /** No route, or a name that does not resolve. HTTP 502, SOCKS5 0x04 / 0x03. */
        UNREACHABLE,
        /** A proxy hop answered the handshake with a refusal. HTTP 502, SOCKS5 0x01. */
        HOP_REJECTED,
        /** Forbidden by a bypass or admission rule. HTTP 403, SOCKS5 0x02. */
        NOT_ALLOWED,
        /** Anything else. HTTP 502, SOCKS5 0x01. */
        GENERAL
    }

    private final Reason reason;

    public RouteException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RouteException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** What kind of failure this was. */
    public Reason reason() {
        return reason;
    }
}
