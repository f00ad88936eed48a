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
 * @param secure     {@code tls.secure}: verify the plugin's certificate (GOST's default is not to)
 * @param serverName {@code tls.serverName}: the TLS server name sent to the plugin, or {@code null}
 * @param origin     where it was configured
 * @param tls        a {@code tls} block is there: a gRPC plugin is then spoken to over TLS, else in plaintext
 *                   (an HTTP plugin's URL scheme decides instead)
 */
public record ControlPlugin(String type, String addr, Duration timeout, String token, boolean secure,
                            String serverName, Origin origin, boolean tls) {

    public ControlPlugin {
        type = type == null || type.isBlank() ? "grpc" : type.trim().toLowerCase(java.util.Locale.ROOT);
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? null : timeout;
        token = token == null || token.isEmpty() ? null : token;
        serverName = serverName == null || serverName.isBlank() ? null : serverName.trim();
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
    }

    /** A plugin whose {@code tls} block is there when it says anything ({@code secure} or a server name). */
    public ControlPlugin(String type, String addr, Duration timeout, String token, boolean secure,
                         String serverName, Origin origin) {
        this(type, addr, timeout, token, secure, serverName, origin, secure || serverName != null);
    }

    /** A plugin without a TLS server name. */
    public ControlPlugin(String type, String addr, Duration timeout, String token, boolean secure, Origin origin) {
        this(type, addr, timeout, token, secure, null, origin);
    }
}
