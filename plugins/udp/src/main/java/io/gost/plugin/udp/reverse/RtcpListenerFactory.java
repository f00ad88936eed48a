package io.gost.plugin.udp.reverse;

import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * Creates the listener {@code rtcp} (GOST's {@code x/listener/rtcp}): the service's TCP port opens on the last hop
 * of the listener's chain ({@code -L rtcp://:2222/:22 -F socks5://server:1080}: port 2222 on the server), whose
 * connector must be able to bind (socks5, relay); each connection there comes back as a stream and is forwarded
 * to the service's targets. Without a chain, a local TCP forward. GOST's rtcp has no keys.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class RtcpListenerFactory implements ListenerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "rtcp";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "TCP port opened on the last hop of the listener chain (remote forwarding), or locally without one";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.NONE;
    }

    @Override
    public boolean opensPortsThroughChain() {
        return true;
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        return new ReverseListener("tcp", null);
    }
}
