package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * A named admission controller (GOST's {@code admissions}): which client addresses a service accepts.
 * Matchers are IPs, CIDRs and host names (resolved to their address each time the admission is loaded); a
 * plain admission refuses the clients it matches, a whitelist ({@code whitelist}, or GOST's
 * {@code reverse}) every client it does not match.
 *
 * @param name      referenced by a service's {@code admission}/{@code admissions}
 * @param whitelist true when the matchers name the only clients accepted
 * @param matchers  inline matchers
 * @param sources   more matchers from files, Redis or HTTP
 * @param plugin    an HTTP plugin asked about every client instead, or {@code null}
 * @param origin    where it was configured
 */
public record AdmissionConfig(String name, boolean whitelist, List<String> matchers, DataSources sources,
                              ControlPlugin plugin, Origin origin) {

    public AdmissionConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "an admission needs a name");
        }
        matchers = List.copyOf(Objects.requireNonNullElse(matchers, List.of()));
        sources = Objects.requireNonNullElse(sources, DataSources.NONE);
    }

    /** An admission of matchers and data sources, without a plugin. */
    public AdmissionConfig(String name, boolean whitelist, List<String> matchers, DataSources sources, Origin origin) {
        this(name, whitelist, matchers, sources, null, origin);
    }
}
