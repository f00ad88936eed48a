package io.gost.runtime.config;

import java.time.Duration;
import java.util.Objects;

/**
 * An external service a control object asks instead of its own rules (GOST's {@code plugin} block on authers,
 * admissions, bypasses, limiters, hosts and resolvers): GOST's {@code http} type, or its default type {@code grpc}
 * (spoken by gost-plugin-grpc-control).
 *
 * @param type       {@code http} or {@code grpc}, as written (lower case); {@code grpc} when absent, as in GOST
 * @param addr       the URL of an HTTP plugin, {@code host:port} of a gRPC one
 * @param timeout    how long a request may take, or {@code null} for the default (10 s)
 * @param token      sent as {@code Authorization: Bearer TOKEN} (http) or as the {@code token} metadata (grpc),
 *                   or {@code null}
 * @param tls        a {@code tls} block is there: GOST then speaks TLS to a gRPC plugin (plain HTTP/2 without it)
 *                   and, for an {@code https://} plugin, checks the certificate only when {@code secure} is set;
 *                   without the block an {@code https://} plugin's certificate is checked (Go's default client)
 * @param secure     {@code tls.secure}: verify the plugin's certificate (GOST's default within a tls block is not
 *                   to); true when there is no tls block, as GOST's HTTP client then verifies
 * @param serverName {@code tls.serverName}: the TLS server name sent to an {@code https://} or TLS gRPC plugin
 *                   (for gRPC also the {@code :authority}), or {@code null}
 * @param origin     where it was configured
 */
public record ControlPlugin(String type, String addr, Duration timeout, String token, boolean tls, boolean secure,
                            String serverName, Origin origin) {

    public ControlPlugin {
        type = type == null || type.isBlank() ? "grpc" : type.trim().toLowerCase(java.util.Locale.ROOT);
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? null : timeout;
        token = token == null || token.isEmpty() ? null : token;
        serverName = serverName == null || serverName.isBlank() ? null : serverName.trim();
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
    }

    /** A plugin without a TLS server name; {@code secure} false means a tls block with {@code secure: false}. */
    public ControlPlugin(String type, String addr, Duration timeout, String token, boolean secure, Origin origin) {
        this(type, addr, timeout, token, !secure, secure, null, origin);
    }
}
