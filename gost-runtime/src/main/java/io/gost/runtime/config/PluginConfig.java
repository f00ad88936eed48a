package io.gost.runtime.config;

import io.gost.api.Credentials;
import io.gost.api.Metadata;
import java.util.List;
import java.util.Objects;

/**
 * A {@code handler}, {@code listener}, {@code connector} or {@code dialer} block: GOST uses the same
 * shape for all four, with {@code chain} and {@code retries} only meaningful for handlers (and
 * {@code chain} for listeners), and {@code tls} for whichever of them speaks TLS.
 *
 * @param type     the plugin type, e.g. {@code http}; never blank
 * @param chain    the name of a chain in {@code chains}, or {@code null}
 * @param retries  extra attempts after a failed dial (handler only), 0 by default
 * @param auth     inline credentials ({@code auth: {username, password}}), or {@code null}
 * @param authers  the names of {@code authers} entries ({@code auther} and {@code authers} together, as GOST
 *                 joins them); a client any of them accepts is in
 * @param metadata the plugin's own options
 * @param chainGroup several chains to pick one from per connection (handler and listener), or {@code null}
 * @param origin   where the block was configured
 * @param metadataOrigins where each metadata key was written
 * @param tls      its {@code tls} block, or {@code null}
 * @param limiter  a handler's own traffic limiter ({@code handler.limiter}, GOST's per-client limits, which only a
 *                 limiter plugin gives), or {@code null}
 */
public record PluginConfig(String type, String chain, int retries, Credentials auth, List<String> authers,
                           Metadata metadata, ChainGroupConfig chainGroup, Origin origin, KeyOrigins metadataOrigins,
                           TlsConfig tls, String limiter) {

    public PluginConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (type == null || type.isBlank()) {
            throw new ConfigException(origin.child("type"), "a type is required");
        }
        type = type.trim().toLowerCase(java.util.Locale.ROOT);
        if (retries < 0) {
            throw new ConfigException(origin.child("retries"), "retries must be 0 or more, got " + retries);
        }
        metadata = Objects.requireNonNullElse(metadata, Metadata.empty());
        authers = List.copyOf(Objects.requireNonNullElse(authers, List.of()));
        metadataOrigins = Objects.requireNonNullElse(metadataOrigins, KeyOrigins.at(origin.child("metadata")));
        limiter = limiter == null || limiter.isBlank() ? null : limiter.trim();
    }

    /** A block without a handler limiter. */
    public PluginConfig(String type, String chain, int retries, Credentials auth, List<String> authers,
                        Metadata metadata, ChainGroupConfig chainGroup, Origin origin, KeyOrigins metadataOrigins,
                        TlsConfig tls) {
        this(type, chain, retries, auth, authers, metadata, chainGroup, origin, metadataOrigins, tls, null);
    }

    /** A block without a chain group or a {@code tls} block. */
    public PluginConfig(String type, String chain, int retries, Credentials auth, List<String> authers,
                        Metadata metadata, Origin origin, KeyOrigins metadataOrigins) {
        this(type, chain, retries, auth, authers, metadata, null, origin, metadataOrigins, null);
    }

    /** A block without a {@code tls} block. */
    public PluginConfig(String type, String chain, int retries, Credentials auth, List<String> authers,
                        Metadata metadata, ChainGroupConfig chainGroup, Origin origin, KeyOrigins metadataOrigins) {
        this(type, chain, retries, auth, authers, metadata, chainGroup, origin, metadataOrigins, null);
    }

    /** A block without a chain group. */
    public PluginConfig(String type, String chain, int retries, Credentials auth, List<String> authers,
                        Metadata metadata, Origin origin, KeyOrigins metadataOrigins, TlsConfig tls) {
        this(type, chain, retries, auth, authers, metadata, null, origin, metadataOrigins, tls);
    }

    /** A block whose metadata keys have no positions of their own. */
    public PluginConfig(String type, String chain, int retries, Credentials auth, String auther, Metadata metadata,
                        Origin origin) {
        this(type, chain, retries, auth, auther == null ? List.of() : List.of(auther), metadata, null, origin, null,
                null);
    }

    /** A block with only a type. */
    public static PluginConfig of(String type) {
        return new PluginConfig(type, null, 0, null, null, Metadata.empty(), Origin.UNKNOWN);
    }

    /** A block with a type and metadata. */
    public static PluginConfig of(String type, Metadata metadata) {
        return new PluginConfig(type, null, 0, null, null, metadata, Origin.UNKNOWN);
    }
}
