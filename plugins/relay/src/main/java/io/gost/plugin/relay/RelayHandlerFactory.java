package io.gost.plugin.relay;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.InvalidMetadataException;
import io.gost.api.PluginContext;
import io.gost.plugin.mux.smux.SmuxConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * GOST's handler {@code relay}: the relay protocol's server. With a forwarder ({@code relay://:8420/host:port})
 * the target is the forwarder's node, whatever the client asks for, as in GOST.
 *
 * <p>Keys: {@code readTimeout} (15 s: from accept to a complete request), {@code nodelay} (false: the OK answer
 * waits for the target's first bytes and goes out glued to them, as GOST's handler does), {@code bind} (false:
 * BIND is answered 3), {@code udp.bufferSize} (alias {@code udpBufferSize}: the largest datagram a bound UDP port
 * receives) and smux's {@code mux.*} for the session over a tcp BIND's connection. GOST's {@code sniffing*},
 * {@code mitm.*} and {@code observer.*} are not declared, so a configuration that sets them is refused as "not
 * supported yet".
 */
public final class RelayHandlerFactory implements HandlerFactory {

    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(15);
    static final MetadataKey READ_TIMEOUT = MetadataKey.duration("readTimeout", "15s",
            "how long a client may take from accept to a complete request");
    static final MetadataKey NODELAY = MetadataKey.bool("nodelay", false,
            "answer at once; false (GOST's default) sends the answer glued to the target's first bytes");
    static final MetadataKey BIND = MetadataKey.bool("bind", false,
            "allow BIND: a port opened here for the client (rtcp, rudp); refused with status 3 otherwise");
    static final int MAX_UDP_BUFFER_SIZE = 64 * 1024;
    static final int MIN_UDP_BUFFER_SIZE = 512;
    static final MetadataKey UDP_BUFFER_SIZE = MetadataKey.integer("udp.bufferSize", "65536",
            "the largest datagram a bound UDP port receives, 512..65536 bytes (GOST: 4096)").alias("udpBufferSize");

    @Override
    public String type() {
        return "relay";
    }

    @Override
    public String description() {
        return "GOST relay protocol server: CONNECT (tcp, udp) with user auth, BIND with bind=true; forwards to the"
                + " forwarder's nodes when it has one";
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
        List<MetadataKey> keys = new ArrayList<>(List.of(READ_TIMEOUT, NODELAY, BIND, UDP_BUFFER_SIZE));
        keys.addAll(SmuxConfig.keys(SmuxConfig.DEFAULT_VERSION));
        return MetadataSchema.of(keys);
    }

    @Override
    public Handler create(Metadata metadata, PluginContext context) {
        Duration readTimeout = metadata.getDuration(READ_TIMEOUT.name(), DEFAULT_READ_TIMEOUT);
        if (readTimeout.isZero() || readTimeout.isNegative()) {
            readTimeout = DEFAULT_READ_TIMEOUT; // GOST: not positive means the default
        }
        String udpBufferKey = UDP_BUFFER_SIZE.spellingIn(metadata);
        int udpBufferSize = metadata.getInt(udpBufferKey, MAX_UDP_BUFFER_SIZE);
        if (udpBufferSize == 0) {
            udpBufferSize = MAX_UDP_BUFFER_SIZE; // GOST: 0 means the default
        }
        if (udpBufferSize < MIN_UDP_BUFFER_SIZE || udpBufferSize > MAX_UDP_BUFFER_SIZE) {
            throw new InvalidMetadataException(udpBufferKey, udpBufferSize, "expected " + MIN_UDP_BUFFER_SIZE + ".."
                    + MAX_UDP_BUFFER_SIZE + " bytes");
        }
        return new RelayHandler(context.ownerName(), readTimeout, metadata.getBoolean(NODELAY.name(), false),
                context.authenticator(), metadata.getBoolean(BIND.name(), false), udpBufferSize,
                SmuxConfig.from(metadata, SmuxConfig.DEFAULT_VERSION));
    }
}
