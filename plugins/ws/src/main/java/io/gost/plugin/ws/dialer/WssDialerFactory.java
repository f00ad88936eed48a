package io.gost.plugin.ws.dialer;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.ws.WsKeys;

/**
 * GOST's dialer type {@code wss}: the {@code ws} dialer over TLS, verified as the dialer's {@code tls} block
 * says (nothing by default, as in GOST; the server name is {@code serverName} or the node's host).
 */
public final class WssDialerFactory implements DialerFactory {

    @Override
    public String type() {
        return "wss";
    }

    @Override
    public String description() {
        return "WebSocket over TLS (verification as the tls block says; none by default, as in GOST)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return WsKeys.dialerSchema();
    }

    @Override
    public boolean usesTls() {
        return true;
    }

    @Override
    public Dialer create(Metadata metadata, PluginContext context) {
        return WebSocketDialers.create(metadata, context, true);
    }
}
