package io.gost.api;

import java.util.List;

/**
 * What every factory has in common: the type name it is configured by.
 *
 * <p>Implementations must have a public no-argument constructor (ServiceLoader creates them) and
 * must be cheap to construct: no sockets, threads or files until something is started.
 */
public interface PluginFactory {

    /** The configuration key, lower case, e.g. {@code "tcp"} or {@code "http"}. */
    String type();

    /** Other names GOST accepts for the same type, e.g. {@code "socks"} for {@code "socks5"}. */
    default List<String> aliases() {
        return List.of();
    }

    /** One line for {@code gost plugins}. */
    default String description() {
        return "";
    }

    /**
     * The metadata keys this plugin reads, with their types and defaults. The runtime checks a
     * configuration against them before anything starts and reports mistyped keys; bad values that only the
     * plugin can judge are still reported by {@code create} with an {@link InvalidMetadataException}.
     * {@link MetadataSchema#UNDECLARED} (the default, for plugins written before this existed) leaves the
     * plugin's keys unchecked.
     */
    default MetadataSchema metadataSchema() {
        return MetadataSchema.UNDECLARED;
    }

    /**
     * True when this plugin reads TLS settings from {@link PluginContext#tls()}: a listener or handler as the
     * TLS server, a dialer or connector as the client. The runtime gives such a plugin its {@code tls} block
     * (a listener's or handler's laid over the top-level one), and refuses a {@code tls} block configured for
     * a plugin that does not use one, so that it is never silently ignored. False by default.
     */
    default boolean usesTls() {
        return false;
    }
}
