package io.gost.plugin.mux.transport;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.mux.smux.SmuxConfig;

/**
 * GOST's listener {@code mtcp}: smux over plain TCP. GOST defaults this transport (alone) to smux version 2,
 * on both ends; {@code mux.version} says otherwise.
 */
public final class MtcpListenerFactory implements ListenerFactory {

    /** GOST's default {@code mux.version} for mtcp (x/listener/mtcp, x/dialer/mtcp). */
    static final int DEFAULT_VERSION = 2;
    /** GOST's accept queue of streams ({@code backlog}). */
    static final int DEFAULT_BACKLOG = 128;

    static final MetadataKey BACKLOG = MetadataKey.integer("backlog", Integer.toString(DEFAULT_BACKLOG),
            "streams of a session that may wait for the service at once; more are refused");
    static final MetadataKey KEEPALIVE = MetadataKey.bool("keepalive", false, "SO_KEEPALIVE on the TCP connections");

    @Override
    public String type() {
        return "mtcp";
    }

    @Override
    public String description() {
        return "smux-multiplexed streams over TCP";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(BACKLOG, KEEPALIVE).and(MetadataSchema.of(SmuxConfig.keys(DEFAULT_VERSION)));
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        return new MuxListener(type(), context.ownerName(), SmuxConfig.from(metadata, DEFAULT_VERSION),
                backlog(metadata), metadata.getBoolean(KEEPALIVE.name(), false), SessionStage.NONE);
    }

    static int backlog(Metadata metadata) {
        int backlog = metadata.getInt(BACKLOG.name(), 0);
        if (backlog < 0) {
            throw new InvalidMetadataException(BACKLOG.name(), backlog, "expected a positive queue length");
        }
        return backlog == 0 ? DEFAULT_BACKLOG : backlog;
    }
}
