package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * A named host mapper (GOST's {@code hosts}): names answered from a table before any DNS server is asked.
 * {@code .example.com} covers the domain and its subdomains, {@code .} every name.
 *
 * @param name     referenced by services, hops and nodes
 * @param mappings inline entries
 * @param sources  more entries in {@code /etc/hosts} format from files, Redis or HTTP
 * @param plugin   an HTTP plugin asked about every name instead, or {@code null}
 * @param origin   where it was configured
 */
public record HostsConfig(String name, List<Mapping> mappings, DataSources sources, ControlPlugin plugin,
                          Origin origin) {

    /**
     * One entry: {@code hostname} (and each alias) answers {@code ip}.
     *
     * @param ip       an IPv4 or IPv6 address
     * @param hostname the name
     * @param aliases  more names for the same address
     */
    public record Mapping(String ip, String hostname, List<String> aliases) {

        public Mapping {
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(hostname, "hostname");
            aliases = List.copyOf(Objects.requireNonNullElse(aliases, List.of()));
        }
    }

    public HostsConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a hosts mapper needs a name");
        }
        mappings = List.copyOf(Objects.requireNonNullElse(mappings, List.of()));
        sources = Objects.requireNonNullElse(sources, DataSources.NONE);
    }

    /** A host mapper of entries and data sources, without a plugin. */
    public HostsConfig(String name, List<Mapping> mappings, DataSources sources, Origin origin) {
        this(name, mappings, sources, null, origin);
    }
}
