package com.example.gost.socks4.connector;

import io.gost.api.Connector;
import io.gost.api.ConnectorFactory;
import io.gost.api.Credentials;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.handshake.HandshakeConnector;
import java.util.List;

/**
 * Creates connector {@code socks4} (alias {@code socks4a}): asks a SOCKS4 hop of a chain for a tunnel,
 * {@code gost -L tcp://:8000/example.org:80 -F socks4://127.0.0.1:1080}.
 *
 * <p>An IPv4 target is sent as SOCKS4, a host name as SOCKS4a (the hop resolves it). The user name of
 * {@link PluginContext#credentials()} ({@code -F socks4://alice@host:1080}) is sent as USERID; SOCKS4 has
 * no password. Metadata {@code timeout} overrides the handshake timeout the runtime passes.
 *
 * <p>Public no-argument constructor for {@link java.util.ServiceLoader}; creating a connector
 * allocates nothing.
 */
public final class Socks4ConnectorFactory implements ConnectorFactory {

    /** The configuration key of this connector. */
    public static final String TYPE = "socks4";

    /** For {@link java.util.ServiceLoader}. */
    public Socks4ConnectorFactory() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> aliases() {
        return List.of("socks4a");
    }

    @Override
    public String description() {
        return "SOCKS4/SOCKS4a client: opens a tunnel through a SOCKS4 hop";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(HandshakeConnector.TIMEOUT);
    }

    @Override
    public Connector create(Metadata metadata, PluginContext context) {
        String userId = context.credentials().map(Credentials::username).orElse("");
        return new Socks4Connector(userId, HandshakeConnector.timeout(metadata));
    }
}
