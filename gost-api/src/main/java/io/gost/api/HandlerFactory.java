package io.gost.api;

/** Creates handlers of one type ({@code http}, {@code tcp}, {@code forward} ...). */
public interface HandlerFactory extends PluginFactory {

    /**
     * Plans a handler from its metadata. Allocates nothing; rejects bad metadata with
     * {@link InvalidMetadataException}.
     */
    Handler create(Metadata metadata, PluginContext context);

    /**
     * True for proxy handlers, whose clients name any target they like (HTTP, SOCKS, relay ...): without
     * credentials on an address reachable from elsewhere such a service is an open proxy, and the runtime
     * warns about it at start-up. False (the default) for handlers whose targets are fixed by configuration.
     */
    default boolean letsClientsChooseTargets() {
        return false;
    }

    /**
     * True when the handler calls {@link HandlerContext#admitRequest()} before acting on each request and answers
     * a refusal in its protocol (HTTP 503/429, SOCKS5 0x02 ...). For a handler that does not (the default), the
     * runtime enforces the service's connection and request-rate limits itself by closing the connection when it
     * is accepted, before anything is read, as GOST does.
     */
    default boolean answersRefusals() {
        return false;
    }

    /** How a handler uses a service's {@code forwarder} (its fixed targets). */
    enum ForwarderUse {
        /** Not said (plugins built before this existed): a forwarder is passed to it unchecked. */
        UNDECLARED,
        /** It never reads one: a forwarder configured for it would be ignored, so planning refuses it. */
        NONE,
        /** It forwards to the forwarder's nodes when there is one, and does something else otherwise. */
        OPTIONAL,
        /** It only forwards: a service without a forwarder cannot work, so planning refuses it. */
        REQUIRED
    }

    /** How this handler uses a service's forwarder; checked when a configuration is planned. */
    default ForwarderUse forwarderUse() {
        return ForwarderUse.UNDECLARED;
    }
}
