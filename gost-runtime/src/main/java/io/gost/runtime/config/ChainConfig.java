package io.gost.runtime.config;

import io.gost.api.Metadata;
import java.util.List;
import java.util.Objects;

/**
 * A named list of hops, reached one after the other.
 *
 * @param name     referenced by {@code handler.chain}
 * @param hops     at least one hop, in order; references to top-level {@code hops} are already resolved
 * @param metadata chain options
 * @param origin   where it was configured
 * @param metadataOrigins where each metadata key was written
 */
public record ChainConfig(String name, List<HopConfig> hops, Metadata metadata, Origin origin,
                          KeyOrigins metadataOrigins) {

    public ChainConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a chain needs a name");
        }
        hops = List.copyOf(Objects.requireNonNullElse(hops, List.of()));
        if (hops.isEmpty()) {
            throw new ConfigException(origin.child("hops"), "chain '" + name + "' has no hops");
        }
        metadata = Objects.requireNonNullElse(metadata, Metadata.empty());
        metadataOrigins = Objects.requireNonNullElse(metadataOrigins, KeyOrigins.at(origin.child("metadata")));
    }

    /** A chain whose metadata keys have no positions of their own. */
    public ChainConfig(String name, List<HopConfig> hops, Metadata metadata, Origin origin) {
        this(name, hops, metadata, origin, null);
    }
}
