package io.gost.plugin.http.handler;

import io.gost.api.Authenticator;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The handler's options, read once from its metadata.
 *
 * @param headerTimeout how long the first request's header may take to arrive completely
 * @param realm         the realm named in {@code Proxy-Authenticate}
 * @param proxyAgent    the value of the {@code Proxy-Agent} header on the proxy's own answers
 * @param authenticator checks {@code Proxy-Authorization}; empty when the service has no credentials
 */
record HttpProxySettings(Duration headerTimeout, String realm, String proxyAgent,
                         Optional<Authenticator> authenticator) {

    static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final String DEFAULT_REALM = "gost";
    static final String DEFAULT_PROXY_AGENT = "gost/3.0";

    HttpProxySettings {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(proxyAgent, "proxyAgent");
        Objects.requireNonNull(authenticator, "authenticator");
    }

    /**
     * Reads {@code readTimeout} (or {@code handshakeTimeout}), {@code realm} (or {@code authBasicRealm})
     * and {@code proxyAgent}.
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
        String proxyAgent = metadata.getString("proxyAgent", DEFAULT_PROXY_AGENT);
        if (!isHeaderSafe(proxyAgent)) {
            throw new InvalidMetadataException("proxyAgent", proxyAgent, "expected text without control characters");
        }
        return new HttpProxySettings(headerTimeout, realm, proxyAgent, context.authenticator());
    }

    private static boolean isHeaderSafe(String value) {
        return value.chars().noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
    }
}
