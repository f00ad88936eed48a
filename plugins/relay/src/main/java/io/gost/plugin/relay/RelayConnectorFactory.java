package io.gost.plugin.relay;

import io.gost.api.Connector;
import io.gost.api.ConnectorFactory;
import io.gost.api.Credentials;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.mux.smux.SmuxConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * GOST's connector {@code relay}: asks a relay hop to CONNECT, presenting the node's credentials as the user
 * auth feature. {@code nodelay=true} sends the request at once and waits for the answer within
 * {@code connectTimeout} (else the chain's dial timeout); GOST's default {@code nodelay=false} sends it glued
 * to the first bytes the client sends and reads the answer in front of the first bytes back, so a
 * server-first protocol (SMTP, FTP, MySQL, VNC) through such a hop waits until the client speaks: set
 * {@code nodelay=true} for those. The same holds for CONNECT over udp (the first datagram). UDP associations and
 * BINDs (the connector is a binder, for {@code rtcp} and {@code rudp}) always wait for the hop's answer, as in
 * GOST; smux's {@code mux.*} keys set the session over a tcp BIND's connection.
 */
public final class RelayConnectorFactory implements ConnectorFactory {

    static final MetadataKey CONNECT_TIMEOUT = MetadataKey.duration("connectTimeout", "",
            "time limit of a handshake that waits for the answer (nodelay=true, BIND, UDP associations); the"
                    + " chain's dial timeout when not set");
    static final MetadataKey NODELAY = MetadataKey.bool("nodelay", false,
            "send the request at once and wait for the answer; false (GOST's default) glues it to the client's"
                    + " first bytes");

    @Override
    public String type() {
        return "relay";
    }

    @Override
    public String description() {
        return "GOST relay protocol client for chain hops: CONNECT (tcp, udp), UDP associations and BIND (rtcp, rudp),"
                + " with user auth when the node has credentials";
    }

    @Override
    public MetadataSchema metadataSchema() {
        List<MetadataKey> keys = new ArrayList<>(List.of(CONNECT_TIMEOUT, NODELAY));
        keys.addAll(SmuxConfig.keys(SmuxConfig.DEFAULT_VERSION));
        return MetadataSchema.of(keys);
    }

    @Override
    public Connector create(Metadata metadata, PluginContext context) {
        Optional<Credentials> credentials = context.credentials();
        credentials.ifPresent(RelayConnectorFactory::checkLength);
        Optional<Duration> timeout = Optional.empty();
        if (metadata.contains(CONNECT_TIMEOUT.name())) {
            Duration value = metadata.getDuration(CONNECT_TIMEOUT.name(), Duration.ZERO);
            if (value.isNegative()) {
                throw new InvalidMetadataException(CONNECT_TIMEOUT.name(), value, "expected a positive duration");
            }
            timeout = value.isZero() ? Optional.empty() : Optional.of(value);
        }
        RelayConnector waiting = new RelayConnector(credentials, timeout,
                SmuxConfig.from(metadata, SmuxConfig.DEFAULT_VERSION));
        if (metadata.getBoolean(NODELAY.name(), false)) {
            return waiting;
        }
        return new DelayedRelayConnector(credentials, waiting);
    }

    private static void checkLength(Credentials credentials) {
        if (credentials.username().getBytes(StandardCharsets.UTF_8).length > 255
                || credentials.password().getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("relay user names and passwords are at most 255 bytes");
        }
    }
}
