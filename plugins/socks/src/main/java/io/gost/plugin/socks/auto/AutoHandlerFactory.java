package io.gost.plugin.socks.auto;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.socks.handler.Socks5Handler;
import io.gost.plugin.socks.handler.Socks5HandlerConfig;
import java.util.Optional;

/**
 * Creates the handler {@code auto}, GOST's default: one port for SOCKS4, SOCKS5 and HTTP proxy clients.
 * See {@link AutoHandler}.
 *
 * <p>The delegates are created here, once per {@code auto} handler, with the same metadata and context:
 * this plugin's own {@code socks5} handler, and the {@code socks4} and {@code http} handlers of whichever
 * plugins provide them ({@link PluginContext#handlerFactory}); a missing one only matters when a client
 * speaks its protocol. Creating handlers allocates nothing.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class AutoHandlerFactory implements HandlerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "auto";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "sniffs the first byte: 0x05 → socks5, 0x04 → socks4, anything else → http"
                + " (GOST's default handler)";
    }

    /** Clients name their targets: without credentials on a reachable address this is an open proxy. */
    @Override
    public boolean letsClientsChooseTargets() {
        return true;
    }

    /** Clients name the targets; a forwarder has no part in it. */
    @Override
    public ForwarderUse forwarderUse() {
        return ForwarderUse.NONE;
    }

    @Override
    public Handler create(Metadata metadata, PluginContext context) {
        Socks5HandlerConfig config = Socks5HandlerConfig.from(metadata, context);
        Handler socks5 = new Socks5Handler(config);
        Optional<Handler> socks4 = context.handlerFactory("socks4").map(factory -> factory.create(metadata, context));
        Optional<Handler> http = context.handlerFactory("http").map(factory -> factory.create(metadata, context));
        return new AutoHandler(socks5, socks4, http, config.handshakeTimeout());
    }
}
