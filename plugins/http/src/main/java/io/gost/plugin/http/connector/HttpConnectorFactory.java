package io.gost.plugin.http.connector;

import io.gost.api.Connector;
import io.gost.api.ConnectorFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.handshake.HandshakeConnector;

/**
 * Creates connector {@code http}: asks an HTTP proxy hop for a tunnel with {@code CONNECT host:port},
 * presenting {@link PluginContext#credentials()} as {@code Proxy-Authorization: Basic} when given
 * ({@code -F http://user:pass@host:port}).
 *
 * <p>Metadata, as GOST's connector: {@code timeout} overrides the handshake timeout the runtime
 * passes; {@code header} (a map, or {@code header.NAME} entries) adds fields to the CONNECT request.
 *
 * <p>Public no-argument constructor for {@link java.util.ServiceLoader}; creating a connector
 * allocates nothing.
 */
public final class HttpConnectorFactory implements ConnectorFactory {

    /** The configuration key of this connector. */
    public static final String TYPE = "http";

    /** For {@link java.util.ServiceLoader}. */
    public HttpConnectorFactory() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "HTTP CONNECT client: opens a tunnel through an HTTP proxy hop";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(
                HandshakeConnector.TIMEOUT,
                MetadataKey.map("header", "header fields added to every CONNECT request, e.g. {User-Agent: gost}"));
    }

    @Override
    public Connector create(Metadata metadata, PluginContext context) {
        return new HttpConnector(HttpConnectorSettings.from(metadata, context));
    }
}
