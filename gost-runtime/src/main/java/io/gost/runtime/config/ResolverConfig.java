package io.gost.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A named resolver (GOST's {@code resolvers}): DNS servers asked in order until one answers with addresses.
 *
 * @param name        referenced by services, hops and nodes
 * @param nameservers at least one, unless a plugin answers instead
 * @param plugin      an HTTP plugin asked about every name instead, or {@code null}
 * @param origin      where it was configured
 */
public record ResolverConfig(String name, List<Nameserver> nameservers, ControlPlugin plugin, Origin origin) {

    /**
     * One DNS server.
     *
     * @param addr     {@code [udp://|tcp://]host[:port]} (port 53), as written
     * @param chain    GOST's chain to reach it through, or {@code null}
     * @param prefer   {@code ipv4} (default) or {@code ipv6}: which answers come first
     * @param only     {@code ipv4} or {@code ipv6}: the only answers used; {@code null} for both
     * @param clientIp an address sent as EDNS Client Subnet, or {@code null}
     * @param hostname GOST's TLS server name for DoT/DoH, or {@code null}
     * @param ttl      {@code null}: the answer's own TTL; negative: no cache; positive: this long
     * @param timeout  how long one query may take (5 s by default)
     * @param async    serve an expired answer while a fresh one is fetched
     * @param origin   where it was configured
     */
    public record Nameserver(String addr, String chain, String prefer, String only, String clientIp, String hostname,
                             Duration ttl, Duration timeout, boolean async, Origin origin) {

        public Nameserver {
            Objects.requireNonNull(addr, "addr");
            chain = blankToNull(chain);
            prefer = blankToNull(prefer);
            only = blankToNull(only);
            clientIp = blankToNull(clientIp);
            hostname = blankToNull(hostname);
            ttl = ttl == null || ttl.isZero() ? null : ttl;
            timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? Duration.ofSeconds(5) : timeout;
            origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text.trim();
        }
    }

    public ResolverConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a resolver needs a name");
        }
        nameservers = List.copyOf(Objects.requireNonNullElse(nameservers, List.of()));
        if (nameservers.isEmpty() && plugin == null) {
            throw new ConfigException(origin.child("nameservers"), "resolver '" + name + "' has no nameservers");
        }
    }

    /** A resolver of nameservers, without a plugin. */
    public ResolverConfig(String name, List<Nameserver> nameservers, Origin origin) {
        this(name, nameservers, null, origin);
    }
}
