package io.gost.api;

/** Creates handlers of one type ({@code http}, {@code tcp}, {@code forward} ...). */
public interface HandlerFactory extends PluginFactory {

    /**
     * Plans a handler from its metadata. Allocates nothing; rejects bad metadata with
     * {@link InvalidMetadataException}.
     */
    Handler create(Metadata metadata, PluginContext context);
}
