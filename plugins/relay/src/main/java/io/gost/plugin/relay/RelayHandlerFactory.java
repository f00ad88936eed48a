package io.gost.plugin.relay;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import java.time.Duration;

/**
 * GOST's handler {@code relay}: the relay protocol's server. With a forwarder ({@code relay://:8420/host:port})
 * the target is the forwarder's node, whatever the client asks for, as in GOST.
 *
 * <p>Keys: {@code readTimeout} (15 s: from accept to a complete request), {@code nodelay} (false: the OK answer
 * waits for the target's first bytes and goes out glued to them, as GOST's handler does). GOST's {@code bind},
 * {@code udp.bufferSize}, {@code mux.*}, {@code sniffing*}, {@code mitm.*} and {@code observer.*} are not
 * declared, so a configuration that sets them is refused as "not supported yet".
 */
public final class RelayHandlerFactory implements HandlerFactory {

    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(15);
    static final MetadataKey READ_TIMEOUT = MetadataKey.duration("readTimeout", "15s",
            "how long a client may take from accept to a complete request");
    static final MetadataKey NODELAY = MetadataKey.bool("nodelay", false,
            "answer at once; false (GOST's default) sends the answer glued to the target's first bytes");

    @Override
    public String type() {
        return "relay";
    }

    @Override
    public String description() {
        return "GOST relay protocol server: CONNECT with user auth; forwards to the forwarder's nodes when it has"
                + " one";
    }

    /** A request the service's limits refuse is answered status 5 (service unavailable). */
    @Override
    public boolean answersRefusals() {
        return true;
    }

    @Override
    public boolean letsClientsChooseTargets() {
        return true;
    }

    @Override
    public ForwarderUse forwarderUse() {
        return ForwarderUse.OPTIONAL;
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(READ_TIMEOUT, NODELAY);
    }

    @Override
    public Handler create(Metadata metadata, PluginContext context) {
        Duration readTimeout = metadata.getDuration(READ_TIMEOUT.name(), DEFAULT_READ_TIMEOUT);
        if (readTimeout.isZero() || readTimeout.isNegative()) {
            readTimeout = DEFAULT_READ_TIMEOUT; // GOST: not positive means the default
        }
        return new RelayHandler(context.ownerName(), readTimeout, metadata.getBoolean(NODELAY.name(), false),
                context.authenticator());
    }
}
