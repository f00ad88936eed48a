package io.gost.plugin.ws.listener;

import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.ws.WsKeys;

/**
 * GOST's listener type {@code wss}: the {@code ws} listener behind TLS, its certificate and client checks from
 * the listener's {@code tls} block (or generated at start, as the {@code tls} listener's).
 */
public final class WssListenerFactory implements ListenerFactory {

    @Override
    public String type() {
        return "wss";
    }

    @Override
    public String description() {
        return "WebSocket over TLS (certificate from the tls block, or generated at start)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return WsKeys.listenerSchema();
    }

    @Override
    public boolean usesTls() {
        return true;
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        return WebSocketListeners.create(metadata, context, true);
    }
}
