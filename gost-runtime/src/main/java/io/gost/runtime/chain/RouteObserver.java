package io.gost.runtime.chain;

/**
 * Hears of routes through chains: the metrics' hook ({@code gost_chain_errors_total},
 * {@code gost_chain_node_connect_duration_seconds}). Called on event loops; must neither block nor lock.
 */
public interface RouteObserver {

    /** Hears nothing. */
    RouteObserver NONE = new RouteObserver() {
    };

    /** Reaching a target failed at {@code node} of {@code chain} (its dial, or the handshake through it). */
    default void failed(String chain, String node) {
    }

    /** The first node of {@code chain} was dialed and its handshake done, in {@code nanos}. */
    default void connected(String chain, String node, long nanos) {
    }
}
