package io.gost.plugin.udp.reverse;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.udp.handler.DatagramForwardHandler;

/**
 * Creates the handler {@code rudp}: sessions that arrived at an {@code rudp} listener's remote port, forwarded to
 * the service's targets. See {@link DatagramForwardHandler}.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class RudpHandlerFactory implements HandlerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "rudp";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "forwards each UDP session from a remote (rudp) port to the service's forwarder nodes";
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
        return new DatagramForwardHandler(TYPE);
    }
}
