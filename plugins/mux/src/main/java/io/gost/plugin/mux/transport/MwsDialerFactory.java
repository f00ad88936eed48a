package io.gost.plugin.mux.transport;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * GOST's dialer {@code mws}: one ws connection per node (and I/O thread) carrying an smux session, a stream
 * per dial.
 */
public final class MwsDialerFactory implements DialerFactory {

    @Override
    public String type() {
        return "mws";
    }

    @Override
    public String description() {
        return "smux-multiplexed streams over one WebSocket connection per node";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return WebSocketSessions.dialerSchema();
    }

    @Override
    public Dialer create(Metadata metadata, PluginContext context) {
        return WebSocketSessions.dialer(type(), metadata, context, false);
    }
}
