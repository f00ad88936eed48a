package io.gost.plugin.http.handler;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;

/**
 * Creates handler {@code http}: an HTTP/1.1 proxy server that opens {@code CONNECT} tunnels and forwards
 * absolute-form requests ({@code GET http://host/path}), as GOST's {@code http} handler does. Its metadata
 * keys are {@link #SCHEMA}; credentials come from {@link PluginContext#authenticator()}
 * ({@code -L http://user:pass@:8080}).
 *
 * <p>Public no-argument constructor for {@link java.util.ServiceLoader}; creating a handler allocates
 * nothing.
 */
public final class HttpHandlerFactory implements HandlerFactory {

    /** The configuration key of this handler. */
    public static final String TYPE = "http";

    /**
     * The keys the handler reads. GOST's own {@code readTimeout} bounds the upstream's response header
     * (default 15s); here it bounds the client's request header, which GOST leaves unbounded.
     */
    static final MetadataSchema SCHEMA = MetadataSchema.of(
            MetadataKey.duration("readTimeout", "10s", "how long the first request header may take (408 after"
                    + " that), and how long a kept-alive connection may idle before the next request")
                    .alias("handshakeTimeout"),
            MetadataKey.string("authBasicRealm", "gost", "the realm named in Proxy-Authenticate").alias("realm"),
            MetadataKey.string("proxyAgent", "gost/3.0", "the Proxy-Agent field of the proxy's own answers")
                    .alias("http.proxyAgent"),
            MetadataKey.map("header", "fields added to every answer the proxy writes itself (200 Connection"
                    + " established, 4xx, 5xx), not to answers forwarded from an origin").alias("http.header"));

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

    /** Each request asks {@link io.gost.api.HandlerContext#admitRequest()}; a refusal is answered 503 or 429. */
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
    public MetadataSchema metadataSchema() {
        return SCHEMA;
    }

    @Override
    public Handler create(Metadata metadata, PluginContext context) {
        return new HttpProxyHandler(HttpProxySettings.from(metadata, context));
    }
}
