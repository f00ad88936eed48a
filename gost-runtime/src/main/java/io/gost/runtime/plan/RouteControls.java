package io.gost.runtime.plan;

import io.gost.runtime.chain.Outbound;
import java.util.List;
import java.util.Objects;

/**
 * What a hop or a node asks of the control objects: bypasses (a hop's end the route before it; a node's make it
 * unselectable), the host mapper and resolver for node addresses, and how the socket to a node is made. A node
 * that names none of these inherits the hop's, as in GOST.
 *
 * @param bypasses bypasses by name
 * @param hosts    host mapper by name, or {@code null}
 * @param resolver resolver by name, or {@code null}
 * @param outbound interface and socket mark of the socket to the node
 */
public record RouteControls(List<String> bypasses, String hosts, String resolver, Outbound outbound) {

    /** Nothing. */
    public static final RouteControls NONE = new RouteControls(List.of(), null, null, Outbound.NONE);

    public RouteControls {
        bypasses = List.copyOf(bypasses);
        Objects.requireNonNull(outbound, "outbound");
    }

    public boolean isEmpty() {
        return equals(NONE);
    }
}
