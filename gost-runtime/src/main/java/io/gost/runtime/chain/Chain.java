package io.gost.runtime.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named list of hops, reached one after the other.
 *
 * @param name  referenced by a handler's {@code chain}, used in error messages
 * @param hops  in order; may be empty (then every route is empty and targets are dialed directly)
 * @param backup in a chain group, used only when no other chain is alive
 */
public record Chain(String name, List<Hop> hops, boolean backup) {

    public Chain {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a chain needs a name");
        }
        hops = List.copyOf(Objects.requireNonNull(hops, "hops"));
    }

    /** A chain that is no backup. */
    public Chain(String name, List<Hop> hops) {
        this(name, hops, false);
    }

    /**
     * Selects one node per hop for a new connection: element {@code i} belongs to {@code hops().get(i)}.
     *
     * @param clientKey identifies the client for {@code hash} selectors; may be null
     */
    public List<Node> route(String clientKey) {
        List<Node> route = new ArrayList<>(hops.size());
        for (Hop hop : hops) {
            route.add(hop.select(clientKey));
        }
        return route;
    }

    /**
     * Selects the nodes that carry {@code target} over {@code network}: one per hop, in order, until a hop
     * whose bypass applies to the target, or none of whose nodes may carry it; the route ends before that hop
     * (GOST's hop and node bypasses), and an empty route means a direct dial.
     *
     * @param clientKey identifies the client for {@code hash} selectors; may be null
     */
    public List<Node> route(String clientKey, String network, java.net.InetSocketAddress target) {
        List<Node> route = new ArrayList<>(hops.size());
        for (Hop hop : hops) {
            Node node = hop.select(clientKey, network, target);
            if (node == null) {
                break;
            }
            route.add(node);
        }
        return route;
    }
}
