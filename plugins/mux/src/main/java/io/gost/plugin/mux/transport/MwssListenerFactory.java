package io.gost.plugin.mux.transport;

import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * GOST's listener {@code mwss}: the {@code wss} listener's upgrade (path {@code /ws} by default, behind TLS)
 * on each connection, then one smux session whose streams the service serves like connections.
 */
public final class MwssListenerFactory implements ListenerFactory {

    @Override
    public String type() {
        return "mwss";
    }

    @Override
    public String description() {
        return "smux-multiplexed streams over WebSocket over TLS (certificate from the tls block, or generated at start)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return WebSocketSessions.listenerSchema();
    }

    @Override
    public boolean usesTls() {
        return true;
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        return WebSocketSessions.listener(type(), metadata, context, true);
    }
}
