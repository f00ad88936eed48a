package io.gost.runtime.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import io.gost.runtime.config.SelectorConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SelectorTest {

    /** A clock the test moves by hand. */
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private Node node(String name, String... options) {
        Metadata metadata = Metadata.of(options);
        Node.Options nodeOptions = new Node.Options(metadata.getInt("weight", 1), metadata.getBoolean("backup", false),
                metadata.contains("maxFails") ? OptionalInt.of(metadata.getInt("maxFails", 1)) : OptionalInt.empty(),
                Optional.ofNullable(metadata.getDuration("failTimeout", null)));
        return new Node(name, InetSocketAddress.createUnresolved("127.0.0.1", 80), null, null, null, nodeOptions,
                new FailMarker(now::get));
    }

    private static Selector selector(String strategy) {
        return Selector.of(new SelectorConfig(strategy, 1, Duration.ofSeconds(10)), new Random(42));
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void roundRobinTakesTheNodesInTurn() {
        List<Node> nodes = List.of(node("a"), node("b"), node("c"));
        Selector selector = selector("round");

        assertThat(List.of(selector.select(nodes, null), selector.select(nodes, null), selector.select(nodes, null),
                selector.select(nodes, null))).containsExactly(nodes.get(0), nodes.get(1), nodes.get(2), nodes.get(0));
    }

    @Test
    void rrIsRoundRobin() {
        assertThat(selector("rr").strategy()).isEqualTo(Selector.Strategy.ROUND);
    }

    @Test
    void randomPicksNodesInProportionToTheirWeight() {
        Node heavy = node("heavy", "weight", "3");
        Node light = node("light");
        Selector selector = selector("random");
        Map<Node, Integer> picks = new HashMap<>();

        for (int i = 0; i < 4_000; i++) {
            picks.merge(selector.select(List.of(heavy, light), null), 1, Integer::sum);
        }

        assertThat(picks.get(heavy) / (double) picks.get(light)).isBetween(2.6, 3.4);
    }

    @Test
    void fifoKeepsTheFirstLiveNodeAndFailsOverInOrder() {
        Node first = node("first");
        Node second = node("second");
        List<Node> nodes = List.of(first, second);
        Selector selector = selector("ha");

        assertThat(selector.select(nodes, null)).isSameAs(first);
        assertThat(selector.select(nodes, null)).isSameAs(first);
        first.marker().mark();
        assertThat(selector.select(nodes, null)).isSameAs(second);
    }

    @Test
    void aFailedNodeComesBackAfterTheFailTimeout() {
        Node first = node("first");
        Node second = node("second");
        Selector selector = selector("fifo");
        first.marker().mark();

        advance(Duration.ofSeconds(9));
        assertThat(selector.select(List.of(first, second), null)).isSameAs(second);
        advance(Duration.ofSeconds(1));
        assertThat(selector.select(List.of(first, second), null)).isSameAs(first);
    }

    @Test
    void aNodeIsDeadOnlyOnceItReachesMaxFails() {
        Node node = node("a");
        Selector selector = Selector.of(new SelectorConfig("fifo", 2, Duration.ofSeconds(10)));

        node.marker().mark();
        assertThat(selector.isDead(node)).isFalse();
        node.marker().mark();
        assertThat(selector.isDead(node)).isTrue();
        node.marker().reset();
        assertThat(selector.isDead(node)).isFalse();
    }

    @Test
    void nodeMetadataOverridesMaxFailsAndFailTimeout() {
        Node tolerant = node("tolerant", "maxFails", "3", "failTimeout", "2s");
        Selector selector = selector("fifo");

        tolerant.marker().mark();
        tolerant.marker().mark();
        assertThat(selector.isDead(tolerant)).as("two failures of three allowed").isFalse();
        tolerant.marker().mark();
        assertThat(selector.isDead(tolerant)).isTrue();
        advance(Duration.ofSeconds(2));
        assertThat(selector.isDead(tolerant)).as("its own 2s fail timeout is over").isFalse();
    }

    @Test
    void backupNodesAreUsedOnlyWhenNoOtherNodeIsAlive() {
        Node backup = node("backup", "backup", "true");
        Node primary = node("primary");
        List<Node> nodes = List.of(backup, primary);
        Selector selector = selector("round");

        for (int i = 0; i < 4; i++) {
            assertThat(selector.select(nodes, null)).isSameAs(primary);
        }
        primary.marker().mark();
        assertThat(selector.select(nodes, null)).isSameAs(backup);
    }

    @Test
    void whenEveryNodeIsDeadTheFirstIsUsedAsALastResort() {
        Node first = node("first");
        Node second = node("second");
        first.marker().mark();
        second.marker().mark();

        assertThat(selector("round").select(List.of(first, second), null)).isSameAs(first);
    }

    @Test
    void hashGivesTheSameClientTheSameNode() {
        List<Node> nodes = List.of(node("a"), node("b"), node("c"));
        Selector selector = selector("hash");
        Set<Node> used = new HashSet<>();

        for (int client = 1; client <= 20; client++) {
            String key = "127.0.0." + client;
            Node chosen = selector.select(nodes, key);
            assertThat(selector.select(nodes, key)).isSameAs(chosen);
            used.add(chosen);
        }
        assertThat(used).as("different clients spread over the nodes").hasSizeGreaterThan(1);
    }

    @Test
    void hashWithoutAClientKeyStillSelectsANode() {
        List<Node> nodes = List.of(node("a"), node("b"));

        assertThat(selector("hash").select(nodes, null)).isIn(nodes);
    }

    @Test
    void anEmptyHopSelectsNothing() {
        assertThat(selector("round").select(List.of(), null)).isNull();
    }

    @Test
    void hopAndChainSelectOneNodePerHop() {
        Node a = node("a");
        Node b = node("b");
        Chain chain = new Chain("chain-0", List.of(new Hop("hop-0", List.of(a), selector("round")),
                new Hop("hop-1", List.of(b), selector("round"))));

        assertThat(chain.route("127.0.0.1")).containsExactly(a, b);
    }
}
