package io.gost.runtime.plan;

import io.gost.api.NetnsRef;
import io.gost.runtime.config.Origin;
import io.gost.runtime.config.SelectorConfig;
import java.util.List;
import java.util.Objects;

/**
 * A hop of a chain, or a service's forwarder: nodes and how one is picked.
 *
 * @param name     e.g. {@code hop-0}
 * @param selector the strategy and failure marking
 * @param nodes    at least one
 * @param netns    the hop's {@code netns}, inherited by nodes that set none; {@code null} for none
 * @param controls the hop's bypasses (the route ends before the hop when they apply), host mapper, resolver and
 *                 outgoing interface and mark (inherited by its nodes)
 * @param origin   where it was configured
 */
public record HopPlan(String name, SelectorConfig selector, List<NodePlan> nodes, NetnsRef netns,
                      RouteControls controls, Origin origin) {

    public HopPlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(selector, "selector");
        nodes = List.copyOf(nodes);
        controls = Objects.requireNonNullElse(controls, RouteControls.NONE);
    }
}
