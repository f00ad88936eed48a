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
}
