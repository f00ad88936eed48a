package io.gost.plugin.ws.listener;

import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.ws.WsKeys;

/**
 * GOST's listener type {@code ws}: a tcp listener whose clients upgrade to WebSocket on {@code path} (default
 * {@code /ws}) before the handler sees their byte stream. Other paths are answered 404, plain HTTP on the path
 * 400. Put it behind a reverse proxy that passes the upgrade on (nginx, a CDN), or use {@code wss}.
 */
public final class WsListenerFactory implements ListenerFactory {

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
        return WsKeys.listenerSchema();
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        return WebSocketListeners.create(metadata, context, false);
    }
}
