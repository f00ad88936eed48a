package io.gost.runtime.chain;

import java.util.List;
import java.util.Objects;

/**
 * One hop of a chain, or a service's forwarder: interchangeable nodes and the selector that picks one.
 *
 * @param name     e.g. {@code hop-0}, used in error messages and logs
 * @param nodes    at least one node, in configured order (the order matters for {@code fifo} and as the
 *                 last resort)
 * @param selector how a node is picked
 */
public record Hop(String name, List<Node> nodes, Selector selector) {

    public Hop {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a hop needs a name");
        }
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("hop '" + name + "' has no nodes");
        }
        Objects.requireNonNull(selector, "selector");
    }

    /** Picks a node for a connection from {@code clientKey} (used by the {@code hash} strategy); never null. */
    public Node select(String clientKey) {
        return selector.select(nodes, clientKey);
    }
}
