package io.gost.runtime.plan;

import io.gost.runtime.config.Origin;
import java.util.List;
import java.util.Objects;

/**
 * A chain: hops reached one after the other.
 *
 * @param name   referenced by services
 * @param hops   at least one, in order
 * @param backup in a chain group, used only when no other chain is alive (chain metadata {@code backup})
 * @param origin where it was configured
 */
public record ChainPlan(String name, List<HopPlan> hops, boolean backup, Origin origin) {

    public ChainPlan {
        Objects.requireNonNull(name, "name");
        hops = List.copyOf(hops);
    }
}
