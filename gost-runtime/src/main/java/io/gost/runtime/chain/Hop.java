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
 * @param bypass   ends a route before this hop for the targets it applies to, or {@code null}
 */
public record Hop(String name, List<Node> nodes, Selector selector, io.gost.runtime.bypass.BypassCheck bypass) {

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

    /** A hop without a bypass. */
    public Hop(String name, List<Node> nodes, Selector selector) {
        this(name, nodes, selector, null);
    }

    /** Picks a node for a connection from {@code clientKey} (used by the {@code hash} strategy); never null. */
    public Node select(String clientKey) {
        return selector.select(nodes, clientKey);
    }

    /**
     * Picks a node to carry {@code target} over {@code network}: {@code null} when the hop's bypass applies to
     * the target, or when no node's bypass lets it carry the target (the route then ends before this hop).
     */
    public Node select(String clientKey, String network, java.net.InetSocketAddress target) {
        if (bypass != null && target != null && bypass.forbids(network, target)) {
            return null;
        }
        List<Node> carrying = nodes;
        for (Node node : nodes) {
            if (!node.carries(network, target)) {
                carrying = nodes.stream().filter(candidate -> candidate.carries(network, target)).toList();
                break;
            }
        }
        return carrying.isEmpty() ? null : selector.select(carrying, clientKey);
    }
}
