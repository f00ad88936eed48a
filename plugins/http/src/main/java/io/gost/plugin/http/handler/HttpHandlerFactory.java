package io.gost.plugin.http.handler;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;

/**
 * Creates handler {@code http}: an HTTP/1.1 proxy server that opens {@code CONNECT} tunnels and forwards
 * absolute-form requests ({@code GET http://host/path}), as GOST's {@code http} handler does.
 *
 * <p>Metadata: {@code readTimeout} (alias {@code handshakeTimeout}, default 10s) bounds how long the
 * first request's header may take (408 after that) and how long a kept-alive connection may sit idle
 * before the next request (closed quietly after that); {@code realm} (alias {@code authBasicRealm}, default
 * {@code gost}) names the realm in {@code Proxy-Authenticate}; {@code proxyAgent} (default
 * {@code gost/3.0}) is sent as {@code Proxy-Agent}. Credentials come from
 * {@link PluginContext#authenticator()} ({@code -L http://user:pass@:8080}).
 *
 * <p>Public no-argument constructor for {@link java.util.ServiceLoader}; creating a handler allocates
 * nothing.
 */
public final class HttpHandlerFactory implements HandlerFactory {

    /** The configuration key of this handler. */
    public static final String TYPE = "http";

    /** For {@link java.util.ServiceLoader}. */
    public HttpHandlerFactory() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "HTTP/1.1 proxy server: CONNECT tunnels and absolute-form request forwarding";
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
        return new HttpProxyHandler(HttpProxySettings.from(metadata, context));
    }
}
