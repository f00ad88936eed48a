package io.gost.runtime.chain;

import io.gost.runtime.config.SelectorConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import java.util.zip.CRC32;

/**
 * Picks one node of a hop, as GOST's selectors do: first the fail filter drops dead nodes, then the
 * backup filter drops backup nodes unless only backups are left, then the strategy picks among the rest.
 * When the filters leave nothing, the hop's first node is used as a last resort, so a hop never selects
 * nothing.
 *
 * <p>Strategies: {@code round}/{@code rr} (round robin), {@code random}/{@code rand} (weighted by node
 * {@code weight}), {@code fifo}/{@code ha} (the first live node: fail over in order) and {@code hash}
 * (the same client key always gets the same node while the live set is unchanged; random without a key).
 *
 * <p>Thread-safe; one selector per hop, shared by all connections.
 */
public final class Selector {

    /** How a node is picked among the live ones. */
    public enum Strategy {
        ROUND, RANDOM, FIFO, HASH;

        /** The strategy for a GOST name or alias; see {@link SelectorConfig#STRATEGIES}. */
        public static Strategy of(String name) {
            return switch (name) {
                case "round", "rr" -> ROUND;
                case "random", "rand" -> RANDOM;
                case "fifo", "ha" -> FIFO;
                case "hash" -> HASH;
                default -> throw new IllegalArgumentException("unknown selector strategy '" + name
                        + "'; known: round (rr), random (rand), fifo (ha), hash");
            };
        }
    }

    private final Strategy strategy;
    private final int maxFails;
    private final Duration failTimeout;
    /** Null means the calling thread's {@link ThreadLocalRandom}. */
    private final RandomGenerator random;
    private final AtomicLong roundRobin = new AtomicLong();

    private Selector(Strategy strategy, int maxFails, Duration failTimeout, RandomGenerator random) {
        this.strategy = strategy;
        this.maxFails = maxFails;
        this.failTimeout = failTimeout;
        this.random = random;
    }

    /** A selector as configured, drawing random numbers from the calling thread's generator. */
    public static Selector of(SelectorConfig config) {
        return new Selector(Strategy.of(config.strategy()), config.maxFails(), config.failTimeout(), null);
    }

    /** A selector as configured, drawing random numbers from {@code random} (a seeded one in tests). */
    public static Selector of(SelectorConfig config, RandomGenerator random) {
        return new Selector(Strategy.of(config.strategy()), config.maxFails(), config.failTimeout(),
                Objects.requireNonNull(random, "random"));
    }

    public Strategy strategy() {
        return strategy;
    }

    /**
     * Picks a node of {@code nodes}.
     *
     * @param clientKey identifies the client for the {@code hash} strategy (e.g. its IP); may be null
     * @return a node, or {@code null} only when {@code nodes} is empty
     */
    public Node select(List<Node> nodes, String clientKey) {
        if (nodes.isEmpty()) {
            return null;
        }
        List<Node> candidates = available(nodes);
        if (candidates.isEmpty()) {
            return nodes.get(0);
        }
        return switch (strategy) {
            case ROUND -> candidates.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) candidates.size()));
            case RANDOM -> weightedRandom(candidates);
            case FIFO -> candidates.get(0);
            case HASH -> clientKey == null || clientKey.isEmpty()
                    ? candidates.get(nextInt(candidates.size()))
                    : candidates.get((int) (crc32(clientKey) % candidates.size()));
        };
    }

    /** The nodes that survive the fail and backup filters, in their configured order. */
    public List<Node> available(List<Node> nodes) {
        List<Node> alive = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            if (!isDead(node)) {
                alive.add(node);
            }
        }
        List<Node> primaries = new ArrayList<>(alive.size());
        for (Node node : alive) {
            if (!node.backup()) {
                primaries.add(node);
            }
        }
        return primaries.isEmpty() ? alive : primaries;
    }

    /** True while {@code node} has failed too often too recently, with its own overrides applied. */
    public boolean isDead(Node node) {
        int nodeMaxFails = node.maxFails().orElse(maxFails);
        Duration nodeFailTimeout = node.failTimeout().orElse(failTimeout);
        // GOST treats non-positive overrides as its defaults.
        if (nodeMaxFails <= 0) {
            nodeMaxFails = SelectorConfig.DEFAULT.maxFails();
        }
        if (nodeFailTimeout.isZero() || nodeFailTimeout.isNegative()) {
            nodeFailTimeout = SelectorConfig.DEFAULT.failTimeout();
        }
        return node.marker().isDead(nodeMaxFails, nodeFailTimeout);
    }

    private Node weightedRandom(List<Node> candidates) {
        int total = 0;
        for (Node node : candidates) {
            total += node.weight();
        }
        int pick = nextInt(total);
        for (Node node : candidates) {
            pick -= node.weight();
            if (pick < 0) {
                return node;
            }
        }
        return candidates.get(candidates.size() - 1);
    }

    private int nextInt(int bound) {
        return random != null ? random.nextInt(bound) : ThreadLocalRandom.current().nextInt(bound);
    }

    private static long crc32(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    @Override
    public String toString() {
        return "Selector[" + strategy.name().toLowerCase(java.util.Locale.ROOT) + ", maxFails=" + maxFails
                + ", failTimeout=" + failTimeout + "]";
    }
}
