package io.gost.testkit;

import io.gost.api.BindRequest;
import io.gost.api.Binding;
import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.ListenContext;
import io.gost.api.RelayResult;
import io.gost.api.Router;
import io.gost.api.Transport;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The {@link HandlerContext} double for tests of one connection, built from the parts a test needs (see
 * {@link #builder()}): the client channel, a router, a forwarder, a transport and a relay. It creates
 * client-side sockets inline, and records what the handler asked of it: the targets dialed through
 * {@link #router()}, the upstreams handed to {@link #relay}, the bytes counted, the client-side sockets
 * created, and every breach of the context's contract (a second relay; with a client channel, a call to
 * {@link #relay} or {@link #countBytes} off the client's event loop).
 *
 * <p>Two shapes cover most handler tests: on an {@code EmbeddedChannel}, a {@link PendingRouter} whose dials
 * the test completes and no relay (the upstream is only recorded); over real sockets, {@link #direct}, which
 * dials for real and relays with a {@link TestRelay}. A test that needs a context in some other way than
 * these parts allow can implement {@link HandlerContext} itself: every method has a default, so it
 * overrides only what its handler uses.
 */
public final class TestHandlerContext implements HandlerContext {

    /** The client address of a context without a client channel or whose channel has no IP address. */
    public static final InetSocketAddress DEFAULT_CLIENT_ADDRESS = new InetSocketAddress("127.0.0.1", 40_000);

    private final Channel client;
    private final Router router;
    private final Optional<Forwarder> forwarder;
    private final Transport transport;
    private final BiFunction<Channel, Channel, Future<RelayResult>> relay;
    private final BiFunction<Channel, Channel, Future<RelayResult>> datagramRelay;
    private final boolean routesThroughChain;
    private final List<InetSocketAddress> dialedTargets = new CopyOnWriteArrayList<>();
    private final List<Channel> relayedUpstreams = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Channel> relayedUpstream = new CompletableFuture<>();
    private final AtomicLong fromClient = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicInteger clientSideSockets = new AtomicInteger();
    private final List<String> contractBreaches = new CopyOnWriteArrayList<>();

    private TestHandlerContext(Builder builder) {
        this.client = builder.client;
        this.router = builder.router;
        this.forwarder = Optional.ofNullable(builder.forwarder);
        this.transport = builder.transport;
        this.relay = builder.relay;
        this.datagramRelay = builder.datagramRelay;
        this.routesThroughChain = builder.routesThroughChain;
    }

    /** A context with nothing set: add the parts the handler under test uses. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A context for a connection accepted on a real socket: its router dials directly on the client's event
     * loop ({@link DirectRouter}) and its relays are a {@link TestRelay} and a {@link TestDatagramRelay}.
     */
    public static TestHandlerContext direct(Channel client, Transport transport) {
        return builder()
                .client(client)
                .router(new DirectRouter(client.eventLoop(), transport))
                .transport(transport)
                .relay(TestRelay::start)
                .datagramRelay(TestDatagramRelay::start)
                .build();
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
        return client != null && client.remoteAddress() instanceof InetSocketAddress address
                ? address
                : DEFAULT_CLIENT_ADDRESS;
    }

    @Override
    public Transport transport() {
        if (transport == null) {
            throw new UnsupportedOperationException("this test context has no transport: the handler under test "
                    + "was not expected to create sockets of its own (give one with builder().transport())");
        }
        return transport;
    }

    @Override
    public Router router() {
        return new Router() {
            @Override
            public Future<Channel> dial(String network, InetSocketAddress target) {
                dialedTargets.add(target);
                return required().dial(network, target);
            }

            @Override
            public Future<Channel> associate() {
                return required().associate();
            }

            @Override
            public Future<Binding> bind(BindRequest request, ListenContext.Acceptor acceptor) {
                dialedTargets.add(request.address());
                return required().bind(request, acceptor);
            }
        };
    }

    private Router required() {
        if (router == null) {
            throw new UnsupportedOperationException("this test context has no router: the handler under test "
                    + "was expected to dial through forwarder(), not router() (give one with builder().router())");
        }
        return router;
    }

    @Override
    public Optional<Forwarder> forwarder() {
        return forwarder;
    }

    @Override
    public boolean routesThroughChain() {
        return routesThroughChain;
    }

    @Override
    public Future<RelayResult> relay(Channel upstream) {
        checkOnClientLoop("relay()");
        relayedUpstreams.add(upstream);
        if (!relayedUpstream.complete(upstream)) {
            contractBreaches.add("relay() called twice");
        }
        return relay != null ? relay.apply(client, upstream) : neverEnding();
    }

    @Override
    public Future<RelayResult> relayDatagrams(Channel upstream) {
        checkOnClientLoop("relayDatagrams()");
        relayedUpstreams.add(upstream);
        if (!relayedUpstream.complete(upstream)) {
            contractBreaches.add("relayDatagrams() called after a relay had started");
        }
        return datagramRelay != null ? datagramRelay.apply(client, upstream) : neverEnding();
    }

    @Override
    public void countBytes(long fromClient, long toClient) {
        checkOnClientLoop("countBytes()");
        this.fromClient.addAndGet(fromClient);
        this.toClient.addAndGet(toClient);
    }

    @Override
    public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        clientSideSockets.incrementAndGet();
        return HandlerContext.super.createClientSideSocket(work);
    }

    private Future<RelayResult> neverEnding() {
        return client != null ? client.eventLoop().newPromise() : ImmediateEventExecutor.INSTANCE.newPromise();
    }

    private void checkOnClientLoop(String call) {
        if (client != null && !client.eventLoop().inEventLoop()) {
            contractBreaches.add(call + " called on " + Thread.currentThread().getName()
                    + ", not on the client's event loop");
        }
    }

    /** Every target asked of {@link #router()}, in order. */
    public List<InetSocketAddress> dialedTargets() {
        return List.copyOf(dialedTargets);
    }

    /** Every upstream handed to {@link #relay}, in order. */
    public List<Channel> relayedUpstreams() {
        return List.copyOf(relayedUpstreams);
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

    /** The parts of a {@link TestHandlerContext}; each is optional. */
    public static final class Builder {

        private Channel client;
        private Router router;
        private Forwarder forwarder;
        private Transport transport;
        private BiFunction<Channel, Channel, Future<RelayResult>> relay;
        private BiFunction<Channel, Channel, Future<RelayResult>> datagramRelay;
        private boolean routesThroughChain;

        private Builder() {
        }

        /**
         * The client connection: the context's client address is its remote address, and {@link #relay} and
         * {@link #countBytes} must be called on its event loop. Without one, the client address is
         * {@link #DEFAULT_CLIENT_ADDRESS} and the thread is not checked.
         */
        public Builder client(Channel client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Where {@link #router()} dials. Without one, a dial through the router fails. */
        public Builder router(Router router) {
            this.router = Objects.requireNonNull(router, "router");
            return this;
        }

        /** The service's forwarder. Without one, {@link #forwarder()} is empty. */
        public Builder forwarder(Forwarder forwarder) {
            this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
            return this;
        }

        /** The transport the handler creates its own sockets with. Without one, {@link #transport()} fails. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * What {@link #relay} does with (client, upstream); the client is {@code null} in a context without
         * a client channel. Without one, the relay only records the upstream and never ends.
         */
        public Builder relay(BiFunction<Channel, Channel, Future<RelayResult>> relay) {
            this.relay = Objects.requireNonNull(relay, "relay");
            return this;
        }

        /**
         * What {@link #relayDatagrams} does with (client, upstream). Without one, the datagram relay only records the
         * upstream and never ends.
         */
        public Builder datagramRelay(BiFunction<Channel, Channel, Future<RelayResult>> datagramRelay) {
            this.datagramRelay = Objects.requireNonNull(datagramRelay, "datagramRelay");
            return this;
        }

        /** Whether the service reaches targets through a chain ({@link #routesThroughChain()}); false unless set. */
        public Builder routesThroughChain(boolean routesThroughChain) {
            this.routesThroughChain = routesThroughChain;
            return this;
        }

        public TestHandlerContext build() {
            return new TestHandlerContext(this);
        }
    }
}
