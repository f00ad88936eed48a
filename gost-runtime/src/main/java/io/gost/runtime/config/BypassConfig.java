package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * A named list of target matchers (GOST's {@code bypasses}), referenced by a service's {@code bypass}: the
 * targets a service's clients may not reach, or, as a whitelist, the only ones they may.
 *
 * <p>Matchers are written as GOST writes them: an IP ({@code 192.0.2.1}, {@code ::1}), a CIDR
 * ({@code 127.0.0.0/8}), an IP range ({@code 192.0.2.1-192.0.2.9}), a domain ({@code example.com} exactly,
 * {@code .example.com} for it and every subdomain), a wildcard ({@code *.example.com}, {@code ?} for one
 * character), each optionally with {@code :port} or {@code :low-high} ({@code [::1]:22} for IPv6). They are
 * checked when the runtime plans the services.
 *
 * @param name      referenced by services
 * @param whitelist true when the matchers name the only targets allowed
 * @param matchers  the patterns, as written
 * @param origin    where it was configured
 */
public record BypassConfig(String name, boolean whitelist, List<String> matchers, Origin origin) {

    public BypassConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a bypass needs a name");
        }
        matchers = List.copyOf(Objects.requireNonNullElse(matchers, List.of()));
    }
}
