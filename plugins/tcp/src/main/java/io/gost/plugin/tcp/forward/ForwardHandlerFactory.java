package io.gost.plugin.tcp.forward;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * Creates the handler {@code forward}: GOST's generic name for the same forwarding as {@code tcp}, used
 * in configuration files with a {@code forwarder} block. See {@link ForwardHandler}.
 *
 * <p>A separate factory rather than an alias of {@code tcp}, so that {@code gost plugins} lists both names
 * and a later UDP plugin can see plainly which names are taken.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class ForwardHandlerFactory implements HandlerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "forward";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "forwards each TCP connection to the service's forwarder nodes";
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
