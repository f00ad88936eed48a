package io.gost.plugin.socks.connector;

import io.gost.api.Connector;
import io.gost.api.ConnectorFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.handshake.HandshakeConnector;
import io.gost.plugin.socks.v5.NoTls;
import java.util.List;

/**
 * Creates the connector {@code socks5} (alias {@code socks}): asks a SOCKS5 hop of a chain to CONNECT,
 * presenting the node's credentials ({@code socks5://user:pass@host:port}) when it has some. See
 * {@link Socks5Connector}. Metadata {@code timeout}, as GOST's, replaces the handshake timeout the runtime
 * passes.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class Socks5ConnectorFactory implements ConnectorFactory {

    /** The type name nodes are configured with. */
    public static final String TYPE = "socks5";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> aliases() {
        return List.of("socks");
    }

    @Override
    public String description() {
        return "SOCKS5 client for chain hops: CONNECT, with username/password when the node has credentials";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(HandshakeConnector.TIMEOUT, NoTls.KEY);
    }

    /** @throws IllegalArgumentException when a credential is longer than SOCKS5's 255 bytes */
    @Override
    public Connector create(Metadata metadata, PluginContext context) {
        NoTls.check(metadata);
        return new Socks5Connector(context.credentials(), HandshakeConnector.timeout(metadata));
    }
}
