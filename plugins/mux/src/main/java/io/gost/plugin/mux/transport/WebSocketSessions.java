package io.gost.plugin.mux.transport;

import io.gost.api.Dialer;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Listener;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.tls.stage.ChannelStage;
import io.gost.plugin.tls.stage.ClientTls;
import io.gost.plugin.tls.stage.ServerTls;
import io.gost.plugin.tls.stage.TlsStage;
import io.gost.plugin.ws.WsKeys;
import io.gost.plugin.ws.stage.WebSocketSettings;
import io.gost.plugin.ws.stage.WebSocketStage;
import java.time.Duration;

/**
 * What {@code mws} and {@code mwss} share: the {@code ws}/{@code wss} plugin's keys and stages (TLS for mwss,
 * then the WebSocket upgrade), and an smux session (version 1 by default, as GOST) over the upgraded
 * connection. Each smux frame travels in one binary message.
 */
final class WebSocketSessions {

    /**
     * GOST's {@code ws.backlog} on mws/mwss: like mtcp's {@code backlog}, the streams that may wait for the
     * service (on ws/wss it is the socket's accept queue).
     */
    static final MetadataKey BACKLOG = MetadataKey.integer("ws.backlog",
            Integer.toString(MtcpListenerFactory.DEFAULT_BACKLOG),
            "streams of a session that may wait for the service at once; more are refused").alias("backlog");

    /** A TLS handshake without a WebSocket handshake timeout of its own still ends (as the wss listener's). */
    private static final Duration DEFAULT_TLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);

    private WebSocketSessions() {
    }

    static MetadataSchema listenerSchema() {
        return MetadataSchema.of(WsKeys.PATH, WsKeys.HEADER, WsKeys.LISTENER_HANDSHAKE_TIMEOUT,
                        WsKeys.READ_HEADER_TIMEOUT, WsKeys.READ_BUFFER_SIZE, WsKeys.WRITE_BUFFER_SIZE,
                        WsKeys.COMPRESSION, BACKLOG, MtcpListenerFactory.KEEPALIVE)
                .and(MetadataSchema.of(SmuxConfig.keys(MtlsListenerFactory.DEFAULT_VERSION)));
    }

    static MetadataSchema dialerSchema() {
        return WsKeys.dialerSchema().and(MetadataSchema.of(SmuxConfig.keys(MtlsListenerFactory.DEFAULT_VERSION)));
    }

    static Listener listener(String type, Metadata metadata, PluginContext context, boolean tls) {
        SmuxConfig config = SmuxConfig.from(metadata, MtlsListenerFactory.DEFAULT_VERSION);
        WebSocketSettings settings = WsKeys.listenerSettings(metadata);
        int backlog = metadata.getInt(BACKLOG.spellingIn(metadata), MtcpListenerFactory.DEFAULT_BACKLOG);
        if (backlog <= 0) {
            throw new InvalidMetadataException(BACKLOG.spellingIn(metadata), backlog,
                    "expected a positive queue length");
        }
        boolean keepAlive = metadata.getBoolean(MtcpListenerFactory.KEEPALIVE.name(), false);
        ChannelStage upgrade = WebSocketStage.server(settings, context.ownerName());
        if (!tls) {
            return new MuxListener(type, context.ownerName(), config, backlog, keepAlive,
                    SessionStage.server(upgrade));
        }
        ServerTls serverTls = ServerTls.create(context.tls().orElse(TlsOptions.DEFAULTS), context.ownerName());
        Duration handshake = settings.handshakeTimeout().isZero() ? DEFAULT_TLS_HANDSHAKE_TIMEOUT
                : settings.handshakeTimeout();
        ChannelStage stage = TlsStage.server(serverTls, handshake, context.ownerName()).then(upgrade);
        return new MuxListener(type, context.ownerName(), config, backlog, keepAlive, SessionStage.server(stage),
                serverTls::start);
    }

    static Dialer dialer(String type, Metadata metadata, PluginContext context, boolean tls) {
        SmuxConfig config = SmuxConfig.from(metadata, MtlsListenerFactory.DEFAULT_VERSION);
        WebSocketSettings settings = WsKeys.dialerSettings(metadata);
        // On a ws dialer, keepalive means WebSocket pings; TCP's is tcp.keepalive.
        boolean tcpKeepAlive = metadata.getBoolean(WsKeys.TCP_KEEPALIVE.name(), true);
        ChannelStage stage = WebSocketStage.client(settings, tls);
        if (tls) {
            // The TLS server name is the tls block's serverName or the node's host, not the Host header.
            ClientTls clientTls = ClientTls.create(context.tls().orElse(TlsOptions.DEFAULTS), context.ownerName());
            stage = TlsStage.client(clientTls, settings.handshakeTimeout()).then(stage);
        }
        return new MuxDialer(type, context.ownerName(), config, tcpKeepAlive, SessionStage.client(stage),
                settings.handshakeTimeout());
    }
}
