package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * A named list of target matchers (GOST's {@code bypasses}), referenced by services ({@code bypass}: targets
 * refused), hops (the route ends before a hop whose bypass applies) and nodes (not selectable for a target
 * their bypass applies to). A whitelist ({@code whitelist}, or GOST's {@code reverse}) applies to what its
 * matchers do not match; {@code network} restricts it to {@code tcp} or {@code udp} targets.
 *
 * <p>Matchers are written as GOST writes them: an IP ({@code 192.0.2.1}, {@code ::1}), a CIDR
 * ({@code 127.0.0.0/8}), an IP range ({@code 192.0.2.1-192.0.2.9}), a domain ({@code example.com} exactly,
 * {@code .example.com} for it and every subdomain), a wildcard ({@code *.example.com}, {@code ?} for one
 * character), each optionally with {@code :port} or {@code :low-high} ({@code [::1]:22} for IPv6). Inline
 * matchers are checked when the runtime plans the services; those read from data sources when they are read.
 *
 * @param name      referenced by services, hops and nodes
 * @param whitelist true when the matchers name the only targets allowed
 * @param matchers  the inline patterns, as written
 * @param network   {@code tcp} or {@code udp}, or {@code null} for both
 * @param sources   more matchers from files, Redis or HTTP
 * @param plugin    an HTTP plugin asked about every target instead, or {@code null}
 * @param origin    where it was configured
 */
public record BypassConfig(String name, boolean whitelist, List<String> matchers, String network, DataSources sources,
                           ControlPlugin plugin, Origin origin) {

    public BypassConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a bypass needs a name");
        }
        matchers = List.copyOf(Objects.requireNonNullElse(matchers, List.of()));
        network = network == null || network.isBlank() ? null : network.trim().toLowerCase(java.util.Locale.ROOT);
        sources = Objects.requireNonNullElse(sources, DataSources.NONE);
    }

    /** A bypass of matchers and data sources, without a plugin. */
    public BypassConfig(String name, boolean whitelist, List<String> matchers, String network, DataSources sources,
                        Origin origin) {
        this(name, whitelist, matchers, network, sources, null, origin);
    }

    /** A bypass with inline matchers only, for any network. */
    public BypassConfig(String name, boolean whitelist, List<String> matchers, Origin origin) {
        this(name, whitelist, matchers, null, DataSources.NONE, null, origin);
    }
}
