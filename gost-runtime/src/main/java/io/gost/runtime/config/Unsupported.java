package io.gost.runtime.config;

import java.util.Map;

/** How gost-java says that something GOST has is not supported yet, the same way everywhere. */
public final class Unsupported {

    /** What each of GOST's feature tags means to a user. */
    private static final Map<String, String> FEATURES = Map.ofEntries(
            Map.entry("tls", "TLS transports"),
            Map.entry("ws", "WebSocket transports"),
            Map.entry("mux", "multiplexed transports"),
            Map.entry("relay", "GOST's relay protocol"),
            Map.entry("udp", "UDP forwarding"),
            Map.entry("reverse", "reverse forwarding and binds"),
            Map.entry("limits", "limiters"),
            Map.entry("access", "access control"),
            Map.entry("names", "hosts and resolvers"),
            Map.entry("interface", "outgoing interface and socket options"),
            Map.entry("ops", "operations (API, metrics, logs, reload)"),
            Map.entry("routing", "routing (chain groups, matchers, ingress, routers)"),
            Map.entry("sniffing", "protocol sniffing"),
            Map.entry("mitm", "TLS interception"),
            Map.entry("recorder", "recorders"));

    private Unsupported() {
    }

    /**
     * {@code 'limiter' is a GOST key that gost-java does not support yet (limiters)}.
     *
     * @param what    the thing, quoted as the user wrote it
     * @param feature the catalog's feature tag
     */
    public static String message(String what, String feature) {
        String described = FEATURES.getOrDefault(feature, null);
        return what + " is GOST's, but gost-java does not support it yet"
                + (described == null ? "" : " (" + described + ")")
                + "; remove it, or run this configuration with GOST";
    }
}
