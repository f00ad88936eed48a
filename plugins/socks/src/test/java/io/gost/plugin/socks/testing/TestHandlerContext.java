package io.gost.plugin.socks.testing;

import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.RelayResult;
import io.gost.api.Router;
import io.gost.api.Transport;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A {@link HandlerContext} for one connection in tests: a given router, a pluggable relay, inline
 * client-side socket creation (counted). It records the upstream passed to {@link #relay}, the bytes
 * counted, and every breach of the context's threading contract.
 */
public final class TestHandlerContext implements HandlerContext {

    private static final InetSocketAddress EMBEDDED_CLIENT = new InetSocketAddress("127.0.0.1", 40_000);

    private final Channel client;
    private final Router router;
    private final Transport transport;
    private final BiFunction<Channel, Channel, Future<RelayResult>> relay;
    private final CompletableFuture<Channel> relayedUpstream = new CompletableFuture<>();
    private final AtomicLong fromClient = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicInteger clientSideSockets = new AtomicInteger();
    private final List<String> contractBreaches = new CopyOnWriteArrayList<>();

    public TestHandlerContext(Channel client, Router router, Transport transport,
                              BiFunction<Channel, Channel, Future<RelayResult>> relay) {
        this.client = client;
        this.router = router;
        this.transport = transport;
        this.relay = relay;
    }

    /** For EmbeddedChannel tests: the relay only records the upstream; no transport. */
    public static TestHandlerContext embedded(Channel client, Router router) {
        return new TestHandlerContext(client, router, null, (from, to) -> from.eventLoop().newPromise());
    }

    /** For socket tests: dials directly, relays with {@link TestRelay}. */
    public static TestHandlerContext direct(Channel client, TestTransport transport) {
        return new TestHandlerContext(client, new DirectRouter(client.eventLoop(), transport), transport,
                TestRelay::start);
    }

    @Override
    public String serviceName() {
        return "service-0";
    }

    @Override
    public String sessionId() {
        return "test-session";
    }

    @Override
    public InetSocketAddress clientAddress() {
        return client.remoteAddress() instanceof InetSocketAddress address ? address : EMBEDDED_CLIENT;
    }

    @Override
    public Transport transport() {
        if (transport == null) {
            throw new UnsupportedOperationException("this test context has no transport");
        }
        return transport;
    }

    @Override
    public Router router() {
        return router;
    }

    @Override
    public Optional<Forwarder> forwarder() {
        return Optional.empty();
    }

    @Override
    public Future<RelayResult> relay(Channel upstream) {
        checkOnLoop("relay()");
        if (!relayedUpstream.complete(upstream)) {
            contractBreaches.add("relay() called twice");
        }
        return relay.apply(client, upstream);
    }

    @Override
    public void countBytes(long fromClient, long toClient) {
        checkOnLoop("countBytes()");
        this.fromClient.addAndGet(fromClient);
        this.toClient.addAndGet(toClient);
    }

    @Override
    public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        clientSideSockets.incrementAndGet();
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void checkOnLoop(String call) {
        if (!client.eventLoop().inEventLoop()) {
            contractBreaches.add(call + " called on " + Thread.currentThread().getName()
                    + ", not on the client's event loop");
        }
    }

    /** Completes with the upstream channel when the handler starts the relay. */
    public CompletableFuture<Channel> relayedUpstream() {
        return relayedUpstream;
    }

    /** Bytes the handler counted itself as read from the client. */
    public long countedFromClient() {
        return fromClient.get();
    }

    /** Bytes the handler counted itself as written to the client. */
    public long countedToClient() {
        return toClient.get();
    }

    /** How many times the handler created sockets through {@link #createClientSideSocket}. */
    public int clientSideSockets() {
        return clientSideSockets.get();
    }

    /** What the handler did against the context's contract; empty when it behaved. */
    public List<String> contractBreaches() {
        return List.copyOf(contractBreaches);
    }
}
