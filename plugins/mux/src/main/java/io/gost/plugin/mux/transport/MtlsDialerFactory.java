package io.gost.plugin.mux.transport;

import io.gost.api.Dialer;
import io.gost.api.DialerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.TlsOptions;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.gost.plugin.tls.stage.ClientTls;
import io.gost.plugin.tls.stage.TlsStage;
import java.time.Duration;

/**
 * GOST's dialer {@code mtls}: one TLS connection per node (and I/O thread) carrying an smux session (version 1
 * by default, as GOST), a stream per dial. What is verified comes from the dialer's {@code tls} block, with
 * GOST's defaults: nothing unless {@code secure} or {@code caFile} is set; the server name is the node's host.
 */
public final class MtlsDialerFactory implements DialerFactory {

    @Override
    public String type() {
        return "mtls";
    }

    @Override
    public String description() {
        return "smux-multiplexed streams over one TLS connection per node (no verification by default, as GOST)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(MtcpListenerFactory.KEEPALIVE, MtcpDialerFactory.HANDSHAKE_TIMEOUT)
                .and(MetadataSchema.of(SmuxConfig.keys(MtlsListenerFactory.DEFAULT_VERSION)));
    }

    @Override
    public boolean usesTls() {
        return true;
    }

    @Override
    public Dialer create(Metadata metadata, PluginContext context) {
        SmuxConfig config = SmuxConfig.from(metadata, MtlsListenerFactory.DEFAULT_VERSION);
        Duration handshakeTimeout = MtcpDialerFactory.handshakeTimeout(metadata);
        ClientTls tls = ClientTls.create(context.tls().orElse(TlsOptions.DEFAULTS), context.ownerName());
        return new MuxDialer(type(), context.ownerName(), config,
                metadata.getBoolean(MtcpListenerFactory.KEEPALIVE.name(), false),
                SessionStage.client(TlsStage.client(tls, handshakeTimeout)), handshakeTimeout);
    }
}
