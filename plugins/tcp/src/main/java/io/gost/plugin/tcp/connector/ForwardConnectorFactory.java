package io.gost.plugin.tcp.connector;

import io.gost.api.Connector;
import io.gost.api.ConnectorFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Creates the connector {@code forward}: GOST's connector that speaks no protocol at all. The connection its
 * dialer made to the hop (TLS, WebSocket, a multiplexed stream ...) is handed back as the tunnel, whatever target
 * it is asked for, so {@code gost -L tcp://:8000 -F forward+tls://server:8443} carries a plain port to the server
 * inside TLS, and {@code gost -L tls://:8443/127.0.0.1:80} on the server ends it.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class ForwardConnectorFactory implements ConnectorFactory {

    /** The type name nodes are configured with. */
    public static final String TYPE = "forward";

    /** One instance serves every node: it keeps no state. */
    private static final Connector PASS_THROUGH = new Connector() {
        @Override
        public Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout) {
            return channel.eventLoop().newSucceededFuture(channel);
        }
    };

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "hands the connection to the hop over as the tunnel (the hop forwards it to a fixed target)";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.NONE;
    }

    @Override
    public boolean tunnelEndsAtTheHop() {
        return true;
    }

    @Override
    public Connector create(Metadata metadata, PluginContext context) {
        return PASS_THROUGH;
    }
}
