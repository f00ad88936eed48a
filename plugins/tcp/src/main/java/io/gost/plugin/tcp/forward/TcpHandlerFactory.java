package io.gost.plugin.tcp.forward;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * Creates the handler {@code tcp}: TCP port forwarding to the service's forwarder targets, as
 * {@code -L tcp://:8000/127.0.0.1:9000} configures it. See {@link ForwardHandler}.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class TcpHandlerFactory implements HandlerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "tcp";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "forwards each connection to the service's targets (-L tcp://:8000/host:port)";
    }

    /** The forwarding itself has no options; the service's (timeouts, limits) are the runtime's. */
    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.NONE;
    }

    /** It only forwards to the service's targets. */
    @Override
    public ForwarderUse forwarderUse() {
        return ForwarderUse.REQUIRED;
    }

    @Override
    public Handler create(Metadata metadata, PluginContext context) {
        return new ForwardHandler(TYPE);
    }
}
