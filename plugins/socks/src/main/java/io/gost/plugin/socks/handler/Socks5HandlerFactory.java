package io.gost.plugin.socks.handler;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import java.util.List;

/**
 * Creates the handler {@code socks5} (alias {@code socks}): a SOCKS5 proxy server. See {@link Socks5Handler}
 * and {@link Socks5HandlerConfig} for its options.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class Socks5HandlerFactory implements HandlerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "socks5";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> aliases() {
        return List.of("socks");
    }

    @Override
    public String description() {
        return "SOCKS5 proxy server (RFC 1928/1929): CONNECT, BIND and UDP ASSOCIATE, username/password auth";
    }

    /** Clients name their targets: without credentials on a reachable address this is an open proxy. */
    @Override
    public boolean answersRefusals() {
        return true; // a refused request gets reply 0x02 (not allowed by ruleset)
    }

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
    public MetadataSchema metadataSchema() {
        return Socks5HandlerConfig.SCHEMA;
    }

    @Override
    public Handler create(Metadata metadata, PluginContext context) {
        return new Socks5Handler(Socks5HandlerConfig.from(metadata, context));
    }
}
