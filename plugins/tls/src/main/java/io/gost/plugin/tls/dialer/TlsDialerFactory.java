package io.gost.plugin.tls.dialer;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.plugin.tcp.dialer.TcpDialerFactory;
import io.gost.plugin.tls.stage.ClientTls;
import io.gost.plugin.tls.stage.StagedDialer;
import io.gost.plugin.tls.stage.TlsStage;
import io.gost.plugin.tls.listener.TlsListenerFactory;
import java.time.Duration;

/**
 * GOST's dialer type {@code tls}: a {@code tcp} connection on which a TLS handshake is made before the
 * connector speaks ({@code -F https://proxy:443}, {@code -F socks5+tls://...}). What is verified and presented
 * comes from the dialer's {@code tls} block ({@link PluginContext#tls()}), with GOST's defaults: nothing is
 * verified unless {@code secure} or {@code caFile} is set, and the server name is the node's host.
 *
 * <p>Metadata: the {@code tcp} dialer's {@code keepalive}, and GOST's {@code handshakeTimeout} (default: none
 * of its own, the service's dial timeout bounds the whole dial).
 */
public final class TlsDialerFactory implements DialerFactory {

    /** The type name nodes are configured with. */
    public static final String TYPE = "tls";

    /** How long the server may take over the handshake. */
    public static final MetadataKey HANDSHAKE_TIMEOUT = MetadataKey.duration("handshakeTimeout", "",
            "how long the server may take to complete the TLS handshake (default: the dial timeout bounds it)");

    private static final TcpDialerFactory TCP = new TcpDialerFactory();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "TLS over TCP (verification as the tls block says; none by default, as in GOST)";
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
    public Dialer create(Metadata metadata, PluginContext context) {
        Dialer tcp = TCP.create(metadata, context);
        ClientTls tls = ClientTls.create(context.tls().orElse(TlsOptions.DEFAULTS), context.ownerName());
        Duration handshakeTimeout = metadata.contains(HANDSHAKE_TIMEOUT.spellingIn(metadata))
                ? TlsListenerFactory.handshakeTimeout(metadata, HANDSHAKE_TIMEOUT) : Duration.ZERO;
        return new StagedDialer(tcp, TlsStage.client(tls, handshakeTimeout));
    }
}
