package io.gost.api;

/** Creates listeners of one type ({@code tcp}, {@code tls} ...). Found with {@link java.util.ServiceLoader}. */
public interface ListenerFactory extends PluginFactory {

    /**
     * Plans a listener from its metadata. Allocates nothing; rejects bad metadata with
     * {@link InvalidMetadataException}.
     */
    Listener create(Metadata metadata, PluginContext context);

    /**
     * True for reverse listeners ({@code rtcp}, {@code rudp}), which open their port on the last hop of the
     * service's listener chain ({@link ListenContext#openRemotePort}): the runtime then gives the listener's chain
     * ({@code listener.chain}, where GOST's command line puts {@code -F} for them) to the listener, and the
     * handler reaches its targets without it. False (the default): a chain on the listener is the handler's.
     */
    default boolean opensPortsThroughChain() {
        return false;
    }
}
