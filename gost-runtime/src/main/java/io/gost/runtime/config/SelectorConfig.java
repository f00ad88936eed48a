package io.gost.runtime.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * How a hop picks one of its nodes (GOST's {@code selector}).
 *
 * @param strategy    {@code round}/{@code rr}, {@code random}/{@code rand}, {@code fifo}/{@code ha}, {@code hash}
 * @param maxFails    failures within {@code failTimeout} after which a node is skipped (GOST default 1)
 * @param failTimeout how long a failed node stays skipped (GOST default 10 s)
 */
public record SelectorConfig(String strategy, int maxFails, Duration failTimeout) {

    /** The strategies GOST knows, aliases included. */
    public static final Set<String> STRATEGIES = Set.of("round", "rr", "random", "rand", "fifo", "ha", "hash");

    /** GOST's defaults: round robin, one failure marks a node dead for ten seconds. */
    public static final SelectorConfig DEFAULT = new SelectorConfig("round", 1, Duration.ofSeconds(10));

    public SelectorConfig {
        strategy = strategy == null || strategy.isBlank() ? "round" : strategy.trim().toLowerCase(Locale.ROOT);
        if (!STRATEGIES.contains(strategy)) {
            throw new IllegalArgumentException("unknown selector strategy '" + strategy
                    + "'; known: round (rr), random (rand), fifo (ha), hash");
        }
        if (maxFails <= 0) {
            maxFails = 1;
        }
        if (failTimeout == null || failTimeout.isZero() || failTimeout.isNegative()) {
            failTimeout = Duration.ofSeconds(10);
        }
    }
}
