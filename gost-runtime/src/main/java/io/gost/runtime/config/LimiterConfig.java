package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * A named limiter: GOST's {@code limiters} (traffic: {@code KEY IN [OUT [BURST]]} per second),
 * {@code climiters} (connections: {@code KEY N}) or {@code rlimiters} (requests: {@code KEY R} per second).
 * KEY is {@code $} (the whole service), {@code $$} (each connection, for traffic; each client IP otherwise),
 * an IP or a CIDR.
 *
 * @param kind    which of the three
 * @param name    referenced by a service's {@code limiter}, {@code climiter} or {@code rlimiter}
 * @param limits  inline lines
 * @param sources more lines from files, Redis or HTTP
 * @param plugin  a traffic limiter's plugin (GOST's limiter plugin), which then decides alone; or {@code null}
 * @param origin  where it was configured
 */
public record LimiterConfig(Kind kind, String name, List<String> limits, DataSources sources, ControlPlugin plugin,
                            Origin origin) {

    /** The three kinds of limiter, with the section each is written in. */
    public enum Kind {
        TRAFFIC("limiters", "limiter"),
        CONNECTIONS("climiters", "climiter"),
        REQUESTS("rlimiters", "rlimiter");

        private final String section;
        private final String reference;

        Kind(String section, String reference) {
            this.section = section;
            this.reference = reference;
        }

        /** The top-level section: {@code limiters}, {@code climiters}, {@code rlimiters}. */
        public String section() {
            return section;
        }

        /** The service key that names one: {@code limiter}, {@code climiter}, {@code rlimiter}. */
        public String reference() {
            return reference;
        }
    }

    public LimiterConfig {
        Objects.requireNonNull(kind, "kind");
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a " + kind.reference() + " needs a name");
        }
        limits = List.copyOf(Objects.requireNonNullElse(limits, List.of()));
        sources = Objects.requireNonNullElse(sources, DataSources.NONE);
    }

    /** A limiter without a plugin. */
    public LimiterConfig(Kind kind, String name, List<String> limits, DataSources sources, Origin origin) {
        this(kind, name, limits, sources, null, origin);
    }
}
