package com.example.gost.socks4.handler;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import java.time.Duration;
import java.util.List;

/**
 * Creates handler {@code socks4} (alias {@code socks4a}): a SOCKS4 and SOCKS4a server for
 * {@code gost -L socks4://:1080}.
 *
 * <p>Metadata: {@code readTimeout} (default {@value #DEFAULT_READ_TIMEOUT_SECONDS}s), how long a client
 * may take to send its request. With an authenticator ({@code socks4://user@:1080} or an {@code auther}),
 * the request's USERID must be one of its user names (SOCKS4 has no password).
 *
 * <p>Public no-argument constructor for {@link java.util.ServiceLoader}; creating a handler allocates
 * nothing.
 */
public final class Socks4HandlerFactory implements HandlerFactory {

    /** The configuration key of this handler. */
    public static final String TYPE = "socks4";

    static final long DEFAULT_READ_TIMEOUT_SECONDS = 15;

    /** For {@link java.util.ServiceLoader}. */
    public Socks4HandlerFactory() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> aliases() {
        return List.of("socks4a");
    }

    @Override
    public String description() {
        return "SOCKS4/SOCKS4a server: CONNECT through the service's chain (BIND is refused)";
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
        Duration readTimeout = metadata.getDuration("readTimeout", Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS));
        return new Socks4Handler(readTimeout, context.authenticator().orElse(null));
    }
}
