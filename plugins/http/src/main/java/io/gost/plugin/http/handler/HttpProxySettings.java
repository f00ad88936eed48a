package io.gost.plugin.http.handler;

import io.gost.api.Authenticator;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The handler's options, read once from its metadata (see {@link HttpHandlerFactory#metadataSchema()}).
 *
 * @param headerTimeout how long the first request's header may take to arrive completely
 * @param realm         the realm named in {@code Proxy-Authenticate}
 * @param proxyAgent    the value of the {@code Proxy-Agent} header on the proxy's own answers
 * @param header        fields added to every answer the proxy writes itself (GOST's {@code header} map)
 * @param authenticator checks {@code Proxy-Authorization}; empty when the service has no credentials
 */
record HttpProxySettings(Duration headerTimeout, String realm, String proxyAgent, Map<String, String> header,
                         Optional<Authenticator> authenticator) {

    static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final String DEFAULT_REALM = "gost";
    static final String DEFAULT_PROXY_AGENT = "gost/3.0";

    /** Fields the proxy sets itself on its answers; a {@code header} entry may not replace them. */
    private static final Set<AsciiString> RESERVED = Set.of(HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.CONNECTION, HttpHeaderNames.CONTENT_TYPE,
            HttpHeaderNames.PROXY_AUTHENTICATE, ProxyResponses.PROXY_AGENT);

    HttpProxySettings {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(proxyAgent, "proxyAgent");
        header = Collections.unmodifiableMap(new LinkedHashMap<>(header));
        Objects.requireNonNull(authenticator, "authenticator");
    }

    /**
     * Reads {@code readTimeout} (or {@code handshakeTimeout}), {@code realm} (or {@code authBasicRealm}),
     * {@code proxyAgent} (or {@code http.proxyAgent}) and {@code header} (or {@code http.header}).
     *
     * @throws InvalidMetadataException naming the key whose value cannot be used
     */
    static HttpProxySettings from(Metadata metadata, PluginContext context) {
        String timeoutKey = metadata.contains("readTimeout") ? "readTimeout" : "handshakeTimeout";
        Duration headerTimeout = metadata.getDuration(timeoutKey, DEFAULT_HEADER_TIMEOUT);
        if (headerTimeout.isZero() || headerTimeout.isNegative()) {
            throw new InvalidMetadataException(timeoutKey, metadata.value(timeoutKey).orElse(""),
                    "expected a positive duration such as 10s");
        }
        String realmKey = metadata.contains("realm") ? "realm" : "authBasicRealm";
        String realm = metadata.getString(realmKey, DEFAULT_REALM);
        // The realm is sent inside a quoted string: a quote or a line break would corrupt the header.
        if (realm.isEmpty() || !isHeaderSafe(realm) || realm.contains("\"") || realm.contains("\\")) {
            throw new InvalidMetadataException(realmKey, realm,
                    "expected a non-empty realm without quotes, backslashes or control characters");
        }
        String agentKey = metadata.contains("proxyAgent") ? "proxyAgent" : "http.proxyAgent";
        String proxyAgent = metadata.getString(agentKey, DEFAULT_PROXY_AGENT);
        if (!isHeaderSafe(proxyAgent)) {
            throw new InvalidMetadataException(agentKey, proxyAgent, "expected text without control characters");
        }
        // GOST reads http.header first, then header; header: {X-Foo: bar} may arrive flattened as header.X-Foo.
        String headerKey = metadata.getMap("http.header").isEmpty() ? "header" : "http.header";
        Map<String, String> header = new LinkedHashMap<>();
        metadata.getMap(headerKey).forEach((name, value) -> {
            String text = String.valueOf(value);
            if (!isToken(name) || value instanceof Map<?, ?> || value instanceof Iterable<?> || !isHeaderSafe(text)) {
                throw new InvalidMetadataException(headerKey, name + ": " + text,
                        "expected a header name (letters, digits, -) and a value without line breaks");
            }
            if (RESERVED.stream().anyMatch(reserved -> reserved.contentEqualsIgnoreCase(name))) {
                throw new InvalidMetadataException(headerKey, name + ": " + text, "the proxy sets " + name
                        + " itself" + (name.equalsIgnoreCase("proxy-agent") ? "; use proxyAgent" : ""));
            }
            header.put(name, text);
        });
        return new HttpProxySettings(headerTimeout, realm, proxyAgent, header, context.authenticator());
    }

    /** An error answer the proxy writes itself, with the configured fields. */
    FullHttpResponse errorResponse(HttpResponseStatus status, String detail, boolean keepAlive, HttpVersion version) {
        return ProxyResponses.error(status, detail, keepAlive, version, proxyAgent, header);
    }

    /** The answer that opens a CONNECT tunnel, with the configured fields. */
    FullHttpResponse connectionEstablished() {
        return ProxyResponses.connectionEstablished(proxyAgent, header);
    }

    private static boolean isHeaderSafe(String value) {
        return value.chars().noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
    }

    private static boolean isToken(String name) {
        return !name.isEmpty()
                && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
    }
}
