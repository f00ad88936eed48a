package io.gost.runtime.plan;

import io.gost.runtime.config.Origin;
import io.gost.runtime.config.SelectorConfig;
import java.util.List;
import java.util.Objects;

/**
 * A handler's {@code chainGroup}: several chains, one picked per connection (round robin, failed chains skipped
 * for {@code failTimeout}, by default).
 *
 * @param chains   at least one, the handler's own {@code chain} first when it has one
 * @param selector how a chain is picked
 * @param origin   where it was configured
 */
public record ChainGroupPlan(List<ChainPlan> chains, SelectorConfig selector, Origin origin) {

    public ChainGroupPlan {
        chains = List.copyOf(chains);
        Objects.requireNonNull(selector, "selector");
    }
}
