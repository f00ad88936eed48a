package io.gost.plugin.mux.transport;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * GOST's dialer {@code mwss}: one wss connection per node (and I/O thread) carrying an smux session, a stream
 * per dial.
 */
public final class MwssDialerFactory implements DialerFactory {

    @Override
    public String type() {
        return "mwss";
    }

    @Override
    public String description() {
        return "smux-multiplexed streams over one WebSocket over TLS per node (no verification by default, as GOST)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return WebSocketSessions.dialerSchema();
    }

    @Override
    public boolean usesTls() {
        return true;
    }

    @Override
    public Dialer create(Metadata metadata, PluginContext context) {
        return WebSocketSessions.dialer(type(), metadata, context, true);
    }
}
