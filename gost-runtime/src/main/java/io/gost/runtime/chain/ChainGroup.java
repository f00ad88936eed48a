package io.gost.runtime.chain;

import io.gost.runtime.config.SelectorConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * The chains a service routes through, one picked per connection (GOST's {@code chainGroup}; a single
 * {@code chain} is a group of one). As GOST's chain selector does: chains whose route failed are skipped for
 * {@code failTimeout} after {@code maxFails} failures, backup chains (chain metadata {@code backup}) are left
 * out while another chain is alive, then the strategy picks among the rest (round robin by
 * default, or random, fifo, hash by client), and when every chain is failed the first one is used. GOST's
 * per-chain {@code matcher} and {@code probe} are not supported yet and are refused when planning.
 *
 * <p>Thread-safe; shared by all connections of a service.
 */
public final class ChainGroup {

    private final List<Chain> chains;
    private final Selector.Strategy strategy;
    private final int maxFails;
    private final java.time.Duration failTimeout;
    private final Map<Chain, FailMarker> markers = new IdentityHashMap<>();
    private final AtomicLong roundRobin = new AtomicLong();

    public ChainGroup(List<Chain> chains, SelectorConfig selector) {
        this.chains = List.copyOf(chains);
        if (this.chains.isEmpty()) {
            throw new IllegalArgumentException("a chain group needs chains");
        }
        this.strategy = Selector.Strategy.of(selector.strategy());
        this.maxFails = selector.maxFails();
        this.failTimeout = selector.failTimeout();
        this.chains.forEach(chain -> markers.put(chain, new FailMarker()));
    }

    /** A group of one chain. */
    public static ChainGroup of(Chain chain) {
        return new ChainGroup(List.of(chain), SelectorConfig.DEFAULT);
    }

    public List<Chain> chains() {
        return chains;
    }

    /** The chain a new connection routes through. */
    public Chain select(String clientKey) {
        if (chains.size() == 1) {
            return chains.get(0);
        }
        List<Chain> alive = new ArrayList<>(chains.size());
        for (Chain chain : chains) {
            if (!markers.get(chain).isDead(maxFails, failTimeout)) {
                alive.add(chain);
            }
        }
        if (alive.isEmpty()) {
            return chains.get(0);
        }
        List<Chain> primaries = alive.stream().filter(chain -> !chain.backup()).toList();
        if (!primaries.isEmpty()) {
            alive = primaries; // backup chains only once every other chain is failed
        }
        return switch (strategy) {
            case ROUND -> alive.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) alive.size()));
            case RANDOM -> alive.get(ThreadLocalRandom.current().nextInt(alive.size()));
            case FIFO -> alive.get(0);
            case HASH -> clientKey == null || clientKey.isEmpty()
                    ? alive.get(ThreadLocalRandom.current().nextInt(alive.size()))
                    : alive.get((int) (crc32(clientKey) % alive.size()));
        };
    }

    /** The failure marker of {@code chain}, marked when a route through it fails and reset when one works. */
    public FailMarker marker(Chain chain) {
        return Objects.requireNonNull(markers.get(chain), "not a chain of this group");
    }

    private static long crc32(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    @Override
    public String toString() {
        return "ChainGroup" + chains.stream().map(Chain::name).toList();
    }
}
