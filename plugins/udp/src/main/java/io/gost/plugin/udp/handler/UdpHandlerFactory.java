package io.gost.plugin.udp.handler;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * Creates the handler {@code udp}: each client session of a {@code udp} listener forwarded to the service's
 * targets ({@code -L udp://:10053/1.1.1.1:53,1.0.0.1:53}). See {@link DatagramForwardHandler}.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class UdpHandlerFactory implements HandlerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "udp";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "forwards each UDP client session to the service's forwarder nodes, directly or through the chain";
    }

    /** The forwarding has no options; the session's bounds are the listener's, timeouts the service's. */
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
