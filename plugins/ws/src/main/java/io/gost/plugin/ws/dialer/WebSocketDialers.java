package io.gost.plugin.ws.dialer;

import io.gost.api.Dialer;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.plugin.tcp.dialer.TcpDialerFactory;
import io.gost.plugin.tls.stage.ChannelStage;
import io.gost.plugin.tls.stage.ClientTls;
import io.gost.plugin.tls.stage.StagedDialer;
import io.gost.plugin.tls.stage.TlsStage;
import io.gost.plugin.ws.WsKeys;
import io.gost.plugin.ws.stage.WebSocketSettings;
import io.gost.plugin.ws.stage.WebSocketStage;

/** What the ws and wss dialers share: a tcp connection, TLS for wss, then the WebSocket upgrade. */
final class WebSocketDialers {

    private static final TcpDialerFactory TCP = new TcpDialerFactory();

    private WebSocketDialers() {
    }

    static Dialer create(Metadata metadata, PluginContext context, boolean tls) {
        WebSocketSettings settings = WsKeys.dialerSettings(metadata);
        // On a ws dialer, keepalive means WebSocket pings; TCP's is tcp.keepalive.
        Dialer tcp = TCP.create(Metadata.of(java.util.Map.of("keepalive",
                metadata.getBoolean(WsKeys.TCP_KEEPALIVE.name(), true))), context);
        ChannelStage upgrade = WebSocketStage.client(settings, tls);
        if (!tls) {
            return new StagedDialer(tcp, upgrade);
        }
        // The TLS server name is the tls block's serverName or the node's host, not the Host header (GOST's
        // rule: behind a CDN, set both).
        ClientTls clientTls = ClientTls.create(context.tls().orElse(TlsOptions.DEFAULTS), context.ownerName());
        return new StagedDialer(tcp, TlsStage.client(clientTls, settings.handshakeTimeout()).then(upgrade));
    }
}
