package io.gost.runtime.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named list of hops, reached one after the other.
 *
 * @param name  referenced by a handler's {@code chain}, used in error messages
 * @param hops  in order; may be empty (then every route is empty and targets are dialed directly)
 */
public record Chain(String name, List<Hop> hops) {

    public Chain {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a chain needs a name");
        }
        hops = List.copyOf(Objects.requireNonNull(hops, "hops"));
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
}
