package io.gost.plugin.mux.transport;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import java.time.Duration;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.mux.smux.SmuxConfig;

/** GOST's dialer {@code mtcp}: one smux session (version 2 by default, as GOST) per node, a stream per dial. */
public final class MtcpDialerFactory implements DialerFactory {

    static final MetadataKey HANDSHAKE_TIMEOUT = MetadataKey.duration("handshakeTimeout", "",
            "time limit for setting up a new session (connect and, for mtls/mws, the handshake)");

    @Override
    public String type() {
        return "mtcp";
    }

    @Override
    public String description() {
        return "smux-multiplexed streams over one TCP connection per node";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(MtcpListenerFactory.KEEPALIVE, HANDSHAKE_TIMEOUT)
                .and(MetadataSchema.of(SmuxConfig.keys(MtcpListenerFactory.DEFAULT_VERSION)));
    }

    @Override
    public Dialer create(Metadata metadata, PluginContext context) {
        return new MuxDialer(type(), context.ownerName(),
                SmuxConfig.from(metadata, MtcpListenerFactory.DEFAULT_VERSION),
                metadata.getBoolean(MtcpListenerFactory.KEEPALIVE.name(), false), SessionStage.NONE,
                handshakeTimeout(metadata));
    }

    /** GOST's dialer {@code handshakeTimeout}: 0 or absent means none (the dial timeout still bounds the connect). */
    static Duration handshakeTimeout(Metadata metadata) {
        Duration timeout = metadata.getDuration(HANDSHAKE_TIMEOUT.name(), Duration.ZERO);
        if (timeout.isNegative()) {
            throw new InvalidMetadataException(HANDSHAKE_TIMEOUT.name(), timeout, "expected a positive duration");
        }
        return timeout;
    }
}
