package io.gost.plugin.mux.transport;

import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * GOST's listener {@code mws}: the {@code ws} listener's upgrade (path {@code /ws} by default)
 * on each connection, then one smux session whose streams the service serves like connections.
 */
public final class MwsListenerFactory implements ListenerFactory {

    @Override
    public String type() {
        return "mws";
    }

    @Override
    public String description() {
        return "smux-multiplexed streams over WebSocket (binary messages carry the smux frames)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return WebSocketSessions.listenerSchema();
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        return WebSocketSessions.listener(type(), metadata, context, false);
    }
}
