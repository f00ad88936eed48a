package io.gost.plugin.tcp.testing;

import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.RelayResult;
import io.gost.api.Router;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A {@link HandlerContext} for one connection in tests: an optional forwarder, a pluggable relay
 * ({@link TestRelay} by default), and no router (forwarding handlers must not use it). It records the
 * upstream passed to {@link #relay} and every breach of the context's threading contract.
 */
public final class TestHandlerContext implements HandlerContext {

    private final Channel client;
    private final Optional<Forwarder> forwarder;
    private final BiFunction<Channel, Channel, Future<RelayResult>> relay;
    private final CompletableFuture<Channel> relayedUpstream = new CompletableFuture<>();
    private final List<String> contractBreaches = new CopyOnWriteArrayList<>();

    public TestHandlerContext(Channel client, Optional<Forwarder> forwarder,
                              BiFunction<Channel, Channel, Future<RelayResult>> relay) {
        this.client = client;
        this.forwarder = forwarder;
        this.relay = relay;
    }

    /** A context whose relay is a {@link TestRelay}. */
    public static TestHandlerContext relaying(Channel client, Optional<Forwarder> forwarder) {
        return new TestHandlerContext(client, forwarder, TestRelay::start);
    }

    @Override
    public String serviceName() {
        return "service-0";
    }

    @Override
    public io.gost.api.Transport transport() {
        throw new UnsupportedOperationException("forwarding handlers create no sockets of their own");
    }

    @Override
    public String sessionId() {
        return "test-session";
    }

    @Override
    public InetSocketAddress clientAddress() {
        return client.remoteAddress() instanceof InetSocketAddress address
                ? address
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    @Override
    public Router router() {
        return (network, target) -> {
            throw new UnsupportedOperationException("a forwarding handler must dial through forwarder(), not router()");
        };
    }

    @Override
    public Optional<Forwarder> forwarder() {
        return forwarder;
    }

    @Override
    public Future<RelayResult> relay(Channel upstream) {
        if (!client.eventLoop().inEventLoop()) {
            contractBreaches.add("relay() called on " + Thread.currentThread().getName()
                    + ", not on the client's event loop");
        }
        if (!relayedUpstream.complete(upstream)) {
            contractBreaches.add("relay() called twice");
        }
        return relay.apply(client, upstream);
    }

    @Override
    public void countBytes(long fromClient, long toClient) {
    }

    @Override
    public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Completes with the upstream channel when the handler starts the relay. */
    public CompletableFuture<Channel> relayedUpstream() {
        return relayedUpstream;
    }

    /** What the handler did against the context's contract; empty when it behaved. */
    public List<String> contractBreaches() {
        return List.copyOf(contractBreaches);
    }
}
