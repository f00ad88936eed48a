package io.gost.plugin.tls.listener;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.plugin.tcp.listener.TcpListenerFactory;
import io.gost.plugin.tls.stage.ServerTls;
import io.gost.plugin.tls.stage.StagedListener;
import io.gost.plugin.tls.stage.TlsStage;
import java.time.Duration;

/**
 * GOST's listener type {@code tls}: a {@code tcp} listener whose connections complete a TLS handshake before
 * the service's handler sees them ({@code -L tls://:443} serves auto over TLS, {@code https://} is http over
 * it). The certificate, client checks and versions come from the listener's {@code tls} block laid over the
 * top-level one ({@link PluginContext#tls()}).
 *
 * <p>Metadata: the {@code tcp} listener's {@code backlog} and {@code keepalive}, and {@code handshakeTimeout}
 * (default {@value #DEFAULT_HANDSHAKE_TIMEOUT_TEXT}): how long a client may take to complete the handshake.
 * GOST has no such key on its listener; it bounds the handshake by the handler's {@code readTimeout} (15 s).
 */
public final class TlsListenerFactory implements ListenerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "tls";

    static final String DEFAULT_HANDSHAKE_TIMEOUT_TEXT = "15s";

    /** How long a client may take over the handshake. */
    public static final MetadataKey HANDSHAKE_TIMEOUT = MetadataKey.duration("handshakeTimeout",
            DEFAULT_HANDSHAKE_TIMEOUT_TEXT, "how long a client may take to complete the TLS handshake"
                    + " (gost-java's; GOST leaves it to the handler's readTimeout)");

    private static final TcpListenerFactory TCP = new TcpListenerFactory();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "TLS over TCP (certificate from the tls block, or generated at start)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return TCP.metadataSchema().and(HANDSHAKE_TIMEOUT);
    }

    @Override
    public boolean usesTls() {
        return true;
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        Listener tcp = TCP.create(metadata, context);
        ServerTls tls = ServerTls.create(context.tls().orElse(TlsOptions.DEFAULTS), context.ownerName());
        Duration handshakeTimeout = handshakeTimeout(metadata, HANDSHAKE_TIMEOUT);
        return new StagedListener(tcp, TlsStage.server(tls, handshakeTimeout, context.ownerName()), tls::start,
                context.ownerName());
    }

    /** The key's positive duration, its default when absent; zero or negative is refused (GOST has no "none" here). */
    public static Duration handshakeTimeout(Metadata metadata, MetadataKey key) {
        String spelling = key.spellingIn(metadata);
        Duration timeout = metadata.getDuration(spelling, Metadata.parseDuration(key.name(), key.defaultValue()));
        if (timeout.isZero() || timeout.isNegative()) {
            throw new InvalidMetadataException(spelling, metadata.value(spelling).orElse(""),
                    "expected a positive duration such as 10s (a handshake that never finishes must end)");
        }
        return timeout;
    }
}
