package io.gost.runtime.config;

import io.gost.api.Metadata;
import java.util.List;
import java.util.Objects;

/**
 * One hop of a chain, or a service's forwarder: a set of interchangeable nodes and how to pick one.
 *
 * @param name     e.g. {@code hop-0}
 * @param selector how to pick a node
 * @param nodes    at least one node
 * @param metadata hop options; {@code netns}, {@code interface} and {@code so_mark} here are inherited by
 *                 every node that sets none
 * @param controls the bypasses, host mapper and resolver it names (nodes that name none inherit them)
 * @param origin   where it was configured
 * @param metadataOrigins where each metadata key was written
 */
public record HopConfig(String name, SelectorConfig selector, List<NodeConfig> nodes, Metadata metadata,
                        ControlRefs controls, Origin origin, KeyOrigins metadataOrigins) {

    public HopConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a hop needs a name");
        }
        selector = Objects.requireNonNullElse(selector, SelectorConfig.DEFAULT);
        nodes = List.copyOf(Objects.requireNonNullElse(nodes, List.of()));
        if (nodes.isEmpty()) {
            throw new ConfigException(origin.child("nodes"), "hop '" + name + "' has no nodes");
        }
        metadata = Objects.requireNonNullElse(metadata, Metadata.empty());
        controls = Objects.requireNonNullElse(controls, ControlRefs.NONE);
        metadataOrigins = Objects.requireNonNullElse(metadataOrigins, KeyOrigins.at(origin.child("metadata")));
    }

    /** A hop that names no control objects. */
    public HopConfig(String name, SelectorConfig selector, List<NodeConfig> nodes, Metadata metadata, Origin origin,
                     KeyOrigins metadataOrigins) {
        this(name, selector, nodes, metadata, ControlRefs.NONE, origin, metadataOrigins);
    }

    /** A hop whose metadata keys have no positions of their own. */
    public HopConfig(String name, SelectorConfig selector, List<NodeConfig> nodes, Metadata metadata, Origin origin) {
        this(name, selector, nodes, metadata, ControlRefs.NONE, origin, null);
    }
}
