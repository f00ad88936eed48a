package io.gost.plugin.socks.auto;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
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

    /**
     * The socks5 handler's keys, and those the http handler reads from the same metadata (the socks4
     * handler reads only {@code readTimeout}); declared here because metadata is checked before anything is
     * created.
     */
    @Override
    public MetadataSchema metadataSchema() {
        return Socks5HandlerConfig.SCHEMA.and(
                MetadataKey.string("authBasicRealm", "gost", "the http handler's Proxy-Authenticate realm")
                        .alias("realm"),
                MetadataKey.string("proxyAgent", "gost/3.0", "the Proxy-Agent field of the http handler's own"
                        + " answers").alias("http.proxyAgent"),
                MetadataKey.map("header", "fields the http handler adds to its own answers").alias("http.header"));
    }

    /** Clients name their targets: without credentials on a reachable address this is an open proxy. */
    @Override
    public boolean letsClientsChooseTargets() {
        return true;
    }

    /**
     * The socks5 and http handlers answer refusals; for a delegate that does not (a socks4 plugin built before
     * they existed), the auto handler asks itself and answers SOCKS4's 0x5B.
     */
    @Override
    public boolean answersRefusals() {
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
        Optional<HandlerFactory> socks4Factory = context.handlerFactory("socks4");
        Optional<HandlerFactory> httpFactory = context.handlerFactory("http");
        Optional<Handler> socks4 = socks4Factory.map(factory -> factory.create(metadata, context));
        Optional<Handler> http = httpFactory.map(factory -> factory.create(metadata, context));
        return new AutoHandler(socks5, socks4, http, config.handshakeTimeout(),
                !socks4Factory.map(HandlerFactory::answersRefusals).orElse(true),
                !httpFactory.map(HandlerFactory::answersRefusals).orElse(true));
    }
}
