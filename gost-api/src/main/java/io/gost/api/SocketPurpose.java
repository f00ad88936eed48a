package io.gost.api;

/**
 * Why a socket is being created, so that a provider (and a recording one in tests) can say which socket
 * went into which namespace.
 *
 * @param kind    what the socket is for
 * @param owner   the service or node it belongs to, e.g. {@code service-0} or {@code node-0}
 * @param address the address it will bind or connect to, as configured
 */
public record SocketPurpose(Kind kind, String owner, String address) {

    /** What a socket is for. */
    public enum Kind {
        /** A service's listening socket (service {@code netns}). */
        LISTEN,
        /** A socket a handler opens toward the client side, e.g. a UDP relay (service {@code netns}). */
        CLIENT_SIDE,
        /** A direct or forwarder dial to a target (service {@code netns.out}). */
        DIAL_TARGET,
        /** A dial to a chain's first node (hop or node {@code netns}). */
        DIAL_NODE
    }
}
