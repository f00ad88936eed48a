package io.gost.plugin.ws.listener;

import io.gost.api.Listener;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.plugin.tcp.listener.TcpListenerFactory;
import io.gost.plugin.tls.stage.ChannelStage;
import io.gost.plugin.tls.stage.ServerTls;
import io.gost.plugin.tls.stage.StagedListener;
import io.gost.plugin.tls.stage.TlsStage;
import io.gost.plugin.ws.WsKeys;
import io.gost.plugin.ws.stage.WebSocketSettings;
import io.gost.plugin.ws.stage.WebSocketStage;
import java.time.Duration;

/** What the ws and wss listeners share: a tcp listener, TLS for wss, then the WebSocket upgrade. */
final class WebSocketListeners {

    private static final TcpListenerFactory TCP = new TcpListenerFactory();

    private WebSocketListeners() {
    }

    static Listener create(Metadata metadata, PluginContext context, boolean tls) {
        WebSocketSettings settings = WsKeys.listenerSettings(metadata);
        // GOST's ws.backlog is the tcp listener's backlog; keepalive is TCP's on a listener.
        Metadata tcpOptions = Metadata.of(java.util.Map.of(
                "backlog", metadata.getInt(WsKeys.BACKLOG.spellingIn(metadata), TcpListenerFactory.DEFAULT_BACKLOG),
                "keepalive", metadata.getBoolean(WsKeys.LISTENER_KEEPALIVE.name(), true)));
        Listener tcp = TCP.create(tcpOptions, context);
        ChannelStage upgrade = WebSocketStage.server(settings, context.ownerName());
        if (!tls) {
            return new StagedListener(tcp, upgrade, () -> { }, context.ownerName());
        }
        ServerTls serverTls = ServerTls.create(context.tls().orElse(TlsOptions.DEFAULTS), context.ownerName());
        Duration handshake = settings.handshakeTimeout().isZero() ? Duration.ofSeconds(15) : settings.handshakeTimeout();
        return new StagedListener(tcp, TlsStage.server(serverTls, handshake, context.ownerName()).then(upgrade),
                serverTls::start, context.ownerName());
    }
}
