package io.gost.plugin.udp.reverse;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * Creates the handler {@code rtcp}: connections that arrived at an {@code rtcp} listener's remote port, forwarded
 * to the service's targets. See {@link StreamForwardHandler}.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class RtcpHandlerFactory implements HandlerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "rtcp";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "forwards each connection from a remote (rtcp) port to the service's forwarder nodes";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.NONE;
    }

    @Override
    public ForwarderUse forwarderUse() {
        return ForwarderUse.REQUIRED;
    }

    @Override
    public Handler create(Metadata metadata, PluginContext context) {
        return new StreamForwardHandler();
    }
}
