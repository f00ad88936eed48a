package io.gost.plugin.tcp.dialer;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * Creates {@link TcpDialer}s, GOST's dialer type {@code tcp} (the default dialer of a node).
 *
 * <p>Metadata: {@code keepalive}, {@code SO_KEEPALIVE} on dialed connections, default {@code true}.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class TcpDialerFactory implements DialerFactory {

    /** The type name nodes are configured with. */
    public static final String TYPE = "tcp";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "plain TCP connection";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(MetadataKey.bool("keepalive", true, "SO_KEEPALIVE on dialed connections"));
    }

    @Override
    public Dialer create(Metadata metadata, PluginContext context) {
        return new TcpDialer(metadata.getBoolean("keepalive", true));
    }
}
