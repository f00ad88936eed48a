package io.gost.plugin.mux.transport;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.tls.stage.ServerTls;
import io.gost.plugin.tls.stage.TlsStage;
import java.time.Duration;

/**
 * GOST's listener {@code mtls}: smux over TLS. Each accepted connection completes a TLS handshake (certificate
 * from the listener's {@code tls} block, or generated at start, as the {@code tls} listener's), then carries
 * one smux session (version 1 by default, as GOST) whose streams the service serves like connections.
 */
public final class MtlsListenerFactory implements ListenerFactory {

    /** GOST's default {@code mux.version} for every multiplexed transport but mtcp. */
    static final int DEFAULT_VERSION = 1;

    static final MetadataKey HANDSHAKE_TIMEOUT = MetadataKey.duration("handshakeTimeout", "15s",
            "how long a client may take to complete the TLS handshake (gost-java's; GOST sets no limit here)");

    @Override
    public String type() {
        return "mtls";
    }

    @Override
    public String description() {
        return "smux-multiplexed streams over TLS (certificate from the tls block, or generated at start)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(MtcpListenerFactory.BACKLOG, MtcpListenerFactory.KEEPALIVE, HANDSHAKE_TIMEOUT)
                .and(MetadataSchema.of(SmuxConfig.keys(DEFAULT_VERSION)));
    }

    @Override
    public boolean usesTls() {
        return true;
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        SmuxConfig config = SmuxConfig.from(metadata, DEFAULT_VERSION);
        ServerTls tls = ServerTls.create(context.tls().orElse(TlsOptions.DEFAULTS), context.ownerName());
        SessionStage stage = SessionStage.server(TlsStage.server(tls, positive(metadata, HANDSHAKE_TIMEOUT),
                context.ownerName()));
        return new MuxListener(type(), context.ownerName(), config, MtcpListenerFactory.backlog(metadata),
                metadata.getBoolean(MtcpListenerFactory.KEEPALIVE.name(), false), stage, tls::start);
    }

    /** The key's positive duration, its default when absent; zero or negative is refused (a handshake must end). */
    static Duration positive(Metadata metadata, MetadataKey key) {
        String spelling = key.spellingIn(metadata);
        Duration timeout = metadata.getDuration(spelling, Metadata.parseDuration(key.name(), key.defaultValue()));
        if (timeout.isZero() || timeout.isNegative()) {
            throw new InvalidMetadataException(spelling, metadata.value(spelling).orElse(""),
                    "expected a positive duration such as 10s (a handshake that never finishes must end)");
        }
        return timeout;
    }
}
