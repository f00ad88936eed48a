package io.gost.runtime.config;

import io.gost.api.Metadata;
import java.util.Objects;

/**
 * One node of a hop or forwarder: an address and how to reach it.
 *
 * @param name      e.g. {@code node-0} or {@code target-0}
 * @param addr      {@code host:port}; {@code :8080} means the local host
 * @param connector the protocol spoken through this node (default {@code http} in chains), or {@code null}
 *                  for forwarder targets, which are dialed directly
 * @param dialer    the transport used to reach it (default {@code tcp}), or {@code null}
 * @param netns     GOST's deprecated node field {@code netns}; node metadata {@code netns} wins over it
 * @param metadata  node options ({@code netns}, {@code weight}, {@code backup}, {@code maxFails},
 *                  {@code interface}, {@code so_mark} ...)
 * @param controls  the bypasses, host mapper and resolver it names
 * @param origin    where it was configured
 * @param metadataOrigins where each metadata key was written
 */
public record NodeConfig(String name, String addr, PluginConfig connector, PluginConfig dialer, String netns,
                         Metadata metadata, ControlRefs controls, Origin origin, KeyOrigins metadataOrigins) {

    public NodeConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a node needs a name");
        }
        if (addr == null || addr.isBlank()) {
            throw new ConfigException(origin.child("addr"), "node '" + name + "' needs an addr (host:port)");
        }
        metadata = Objects.requireNonNullElse(metadata, Metadata.empty());
        controls = Objects.requireNonNullElse(controls, ControlRefs.NONE);
        metadataOrigins = Objects.requireNonNullElse(metadataOrigins, KeyOrigins.at(origin.child("metadata")));
    }

    /** A node that names no control objects. */
    public NodeConfig(String name, String addr, PluginConfig connector, PluginConfig dialer, String netns,
                      Metadata metadata, Origin origin, KeyOrigins metadataOrigins) {
        this(name, addr, connector, dialer, netns, metadata, ControlRefs.NONE, origin, metadataOrigins);
    }

    /** A node whose metadata keys have no positions of their own. */
    public NodeConfig(String name, String addr, PluginConfig connector, PluginConfig dialer, String netns,
                      Metadata metadata, Origin origin) {
        this(name, addr, connector, dialer, netns, metadata, ControlRefs.NONE, origin, null);
    }
}
