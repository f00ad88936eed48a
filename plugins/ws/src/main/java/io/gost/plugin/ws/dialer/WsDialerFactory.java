package io.gost.plugin.ws.dialer;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.ws.WsKeys;

/**
 * GOST's dialer type {@code ws}: a tcp connection upgraded to WebSocket ({@code GET path}, {@code Host} the
 * node's address or {@code host}), then the connector's protocol in binary messages. {@code ws.keepalive}
 * sends pings every {@code ttl}.
 */
public final class WsDialerFactory implements DialerFactory {

    @Override
    public String type() {
        return "ws";
    }

    @Override
    public String description() {
        return "WebSocket over TCP (binary messages carry the byte stream)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return WsKeys.dialerSchema();
    }

    @Override
    public Dialer create(Metadata metadata, PluginContext context) {
        return WebSocketDialers.create(metadata, context, false);
    }
}
