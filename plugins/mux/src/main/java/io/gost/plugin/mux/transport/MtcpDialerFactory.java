package io.gost.plugin.mux.transport;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.mux.smux.SmuxConfig;

/** GOST's dialer {@code mtcp}: one smux session (version 2 by default, as GOST) per node, a stream per dial. */
public final class MtcpDialerFactory implements DialerFactory {

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
        return MetadataSchema.of(MtcpListenerFactory.KEEPALIVE)
                .and(MetadataSchema.of(SmuxConfig.keys(MtcpListenerFactory.DEFAULT_VERSION)));
    }

    @Override
    public Dialer create(Metadata metadata, PluginContext context) {
        return new MuxDialer(type(), context.ownerName(),
                SmuxConfig.from(metadata, MtcpListenerFactory.DEFAULT_VERSION),
                metadata.getBoolean(MtcpListenerFactory.KEEPALIVE.name(), false), SessionStage.NONE);
    }
}
