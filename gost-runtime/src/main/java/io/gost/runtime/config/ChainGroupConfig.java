package io.gost.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * A handler's or listener's {@code chainGroup}: several chains, one picked per connection by a selector
 * (round robin, failed chains skipped for a while, by default), as GOST does.
 *
 * @param chains   the chains' names, in order (the handler's own {@code chain}, if any, comes first)
 * @param selector how a chain is picked
 * @param origin   where it was configured
 */
public record ChainGroupConfig(List<String> chains, SelectorConfig selector, Origin origin) {

    public ChainGroupConfig {
        chains = List.copyOf(Objects.requireNonNullElse(chains, List.of()));
        selector = Objects.requireNonNullElse(selector, SelectorConfig.DEFAULT);
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
    }
}
