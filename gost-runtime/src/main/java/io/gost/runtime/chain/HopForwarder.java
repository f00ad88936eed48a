package io.gost.runtime.chain;

import io.gost.api.Forwarder;
import io.gost.api.RouteException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Objects;

/**
 * A forwarding service's fixed targets for one connection: selects a node of the forwarder hop and dials
 * its address through the service's router (so {@code netns.out} and the chain apply). A node that cannot
 * be reached is marked failed and the next selection is tried, up to {@code max(retries + 1, nodes)} times,
 * so every target gets its chance within one dial; a success resets the node's marker.
 *
 * <p>Each selection is dialed with one router attempt: the retries are spent here, on fresh selections.
 */
public final class HopForwarder implements Forwarder {

    private final Hop hop;
    private final ChainRouter router;
    private final EventLoop loop;
    private final String clientKey;
    private final int attempts;
    private volatile Node lastNode;

    /**
     * @param hop       the service's {@code forwarder} nodes and selector
     * @param router    the service's router
     * @param loop      the client's event loop, where the dialed channel is registered
     * @param clientKey identifies the client for {@code hash} selectors; may be null
     * @param retries   the handler's {@code retries}, 0 or more
     */
    public HopForwarder(Hop hop, ChainRouter router, EventLoop loop, String clientKey, int retries) {
        this.hop = Objects.requireNonNull(hop, "hop");
        this.router = Objects.requireNonNull(router, "router");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.clientKey = clientKey;
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
        }
        this.attempts = Math.max(retries + 1, hop.nodes().size());
    }

    @Override
    public Future<Channel> dial() {
        return dial("tcp");
    }

    /** As {@link #dial()}, for {@code "tcp"} or {@code "udp"} (a datagram channel with the node as its one peer). */
    @Override
    public Future<Channel> dial(String network) {
        Promise<Channel> result = loop.newPromise();
        attempt(result, network, attempts, null);
        return result;
    }

    /** The node selected last (the one connected to, after a success), or {@code null} before any dial. */
    public Node lastNode() {
        return lastNode;
    }

    private void attempt(Promise<Channel> result, String network, int attemptsLeft, RouteException lastFailure) {
        if (result.isDone()) {
            return; // cancelled by the caller, e.g. because the client went away
        }
        if (attemptsLeft == 0) {
            result.tryFailure(lastFailure);
            return;
        }
        Node node = hop.select(clientKey);
        lastNode = node;
        router.dial(loop, network, node.address(), clientKey, 1).addListener(dialed -> {
            if (dialed.isSuccess()) {
                node.marker().reset();
                Channel channel = (Channel) dialed.getNow();
                if (!result.trySuccess(channel)) {
                    channel.close();
                }
                return;
            }
            node.marker().mark();
            RouteException cause = (RouteException) dialed.cause();
            attempt(result, network, attemptsLeft - 1, new RouteException(cause.reason(),
                    "hop " + hop.name() + " node " + node.name() + ": " + cause.getMessage(), cause));
        });
    }

    @Override
    public String toString() {
        return "HopForwarder[" + hop.name() + ", " + hop.nodes().size() + " nodes]";
    }
}
