package io.gost.api;

/** Creates listeners of one type ({@code tcp}, {@code tls} ...). Found with {@link java.util.ServiceLoader}. */
public interface ListenerFactory extends PluginFactory {

    /**
     * Plans a listener from its metadata. Allocates nothing; rejects bad metadata with
     * {@link InvalidMetadataException}.
     */
    Listener create(Metadata metadata, PluginContext context);
}
