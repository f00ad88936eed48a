package io.gost.runtime.service;

import io.gost.api.BindRequest;
import io.gost.api.Binding;
import io.gost.api.Forwarder;
import io.gost.api.HandlerContext;
import io.gost.api.Refusal;
import io.gost.api.ListenContext;
import io.gost.api.RelayResult;
import io.gost.api.Router;
import io.gost.api.SocketPurpose;
import io.gost.runtime.chain.HopForwarder;
import io.gost.runtime.limit.ClientPacing;
import io.gost.runtime.limit.ThrottleHandler;
import io.gost.runtime.relay.DatagramRelay;
import io.gost.runtime.relay.Relay;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The runtime's side of one accepted connection: routing, forwarding, relaying and the counters the
 * connection log line is made of. Used on the client channel's event loop only, so plain fields suffice.
 *
 * <p>It lives as long as the connection, so an idle proxied pair pays for everything it holds: it is its own
 * {@link Router}, relay {@link Relay.Progress} and relay-result listener (no extra objects), and it keeps the
 * session number and the target address, formatting the session id and the log's target only when asked.
 */
final class ConnectionContext implements HandlerContext, Router, Relay.Progress,
        GenericFutureListener<Future<RelayResult>> {

    private final Service service;
    private final Channel client;
    private final long sessionNumber;
    /** Made from the session number when first asked for: most connections never are. */
    private String sessionId;
    private final InetSocketAddress clientAddress;
    private final long startNanos = System.nanoTime();
    private HopForwarder forwarder;
    /** What the service's observer (the metrics) keeps of this connection. */
    final ConnectionObserver.Connection observed;
    /** The connection limit's refusal decided at accept, handed to the handler at its first request. */
    private Refusal pendingRefusal;

    /** The handler's own limiter's pipeline handler, beside the service's {@link ThrottleHandler#NAME}. */
    static final String CLIENT_THROTTLE = ThrottleHandler.NAME + "-client";

    /** Who the handler says the client is (GOST's client id): "" until it authenticated. */
    private String clientId = "";
    /** True once the handler's own limiter was asked about this connection. */
    private boolean clientPaced;
    /** The last target the handler asked for, for the log line. */
    private InetSocketAddress target;
    long fromClient;
    long toClient;
    Throwable error;
    boolean relayed;
    boolean finished;

    /** @param sessionNumber the service's count of accepted connections, this one included */
    ConnectionContext(Service service, Channel client, long sessionNumber, Refusal refusal) {
        this.service = service;
        this.pendingRefusal = refusal;
        this.client = client;
        this.sessionNumber = sessionNumber;
        // hasAttr first: attr() creates the attribute (48 bytes kept per connection) even to read nothing.
        InetSocketAddress peer = client.hasAttr(Binding.PEER_ADDRESS) ? client.attr(Binding.PEER_ADDRESS).get() : null;
        this.clientAddress = peer != null ? peer : client.remoteAddress() instanceof InetSocketAddress address
                ? address : InetSocketAddress.createUnresolved("unknown", 0);
        this.observed = service.observer().opened(service.name(), clientAddress);
    }

    @Override
    public void authenticated(String id) {
        clientId = id == null ? "" : id;
    }

    /**
     * Paces the connection by the handler's own limiter (GOST's {@code handler.limiter}), asked for this client
     * at its first target: at the head of the pipeline, beside the service's limiter, until the connection ends.
     */
    private ClientPacing paceClient(String network, InetSocketAddress address) {
        if (clientPaced || !service.access().hasClientLimiter()) {
            return null;
        }
        clientPaced = true;
        ClientPacing pacing = service.access().clientThrottle(service.name(), clientId, network,
                targetText(address), clientAddress);
        if (pacing == null) {
            return null;
        }
        if (client.isActive()) {
            client.pipeline().addFirst(CLIENT_THROTTLE, pacing.handler());
            return pacing;
        }
        pacing.close();
        return null;
    }

    /**
     * {@code dial}, completed only once {@code pacing} is known too (its limiter plugin answered), so that the
     * handler moves nothing before: GOST's first read waits for the answer. Both are awaited at once.
     */
    private <T> Future<T> afterPacing(ClientPacing pacing, Future<T> dial) {
        if (pacing == null || pacing.ready().isDone()) {
            return dial;
        }
        io.netty.util.concurrent.Promise<T> both = client.eventLoop().newPromise();
        pacing.ready().whenComplete((answered, error) -> client.eventLoop().execute(() -> dial.addListener(done -> {
            if (done.isSuccess()) {
                if (!both.trySuccess(dial.getNow())) {
                    closeQuietly(dial.getNow()); // the handler gave up waiting: nobody else will close it
                }
            } else {
                both.tryFailure(done.cause());
            }
        })));
        return both;
    }

    private static String targetText(InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void closeQuietly(Object dialed) {
        if (dialed instanceof Channel channel) {
            channel.close();
        } else if (dialed instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // a binding the handler no longer wants: nothing to tell anyone
            }
        }
    }

    @Override
    public Future<Channel> dial(String network, InetSocketAddress address) {
        target = address;
        ClientPacing pacing = paceClient(network, address);
        // GOST's hash selectors pick by client address, or by target host with the handler's `hash: host`.
        String hashKey = service.hashByTarget() ? address.getHostString() : clientKey();
        return afterPacing(pacing, recordFailure(service.router().dial(client.eventLoop(), network, address,
                hashKey)));
    }

    @Override
    public Future<Channel> associate() {
        return recordFailure(service.router().associate(client.eventLoop(), clientKey()));
    }

    @Override
    public Future<Binding> bind(BindRequest request, ListenContext.Acceptor acceptor) {
        target = request.address();
        ClientPacing pacing = paceClient("tcp", request.address());
        return afterPacing(pacing, recordFailure(service.router().bind(client.eventLoop(), request, acceptor,
                clientKey(), service.retries() + 1)));
    }

    /** Keeps a failed dial's reason (it names the hop and its answer) for the connection's log line. */
    private <T> Future<T> recordFailure(Future<T> dial) {
        dial.addListener(done -> {
            if (!done.isSuccess() && done.cause() != null) {
                error = done.cause();
            }
        });
        return dial;
    }

    private String clientKey() {
        return clientAddress.getHostString();
    }

    long startNanos() {
        return startNanos;
    }

    @Override
    public String serviceName() {
        return service.name();
    }

    @Override
    public String sessionId() {
        if (sessionId == null) {
            sessionId = Long.toString(sessionNumber, 36) + "-" + service.name();
        }
        return sessionId;
    }

    @Override
    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    @Override
    public io.gost.api.Transport transport() {
        return service.transport();
    }

    @Override
    public Router router() {
        return this;
    }

    /** Keeps the first error a handler reports for the connection's log line. */
    @Override
    public void recordError(Throwable failure) {
        if (error == null) {
            error = failure;
        }
    }

    @Override
    public boolean routesThroughChain() {
        return service.router().chain() != null;
    }

    @Override
    public Optional<Forwarder> forwarder() {
        if (service.forwarderHop() == null) {
            return Optional.empty();
        }
        if (forwarder == null) {
            forwarder = new HopForwarder(service.forwarderHop(), service.router(), client.eventLoop(),
                    clientKey(), service.retries());
        }
        HopForwarder hopForwarder = forwarder;
        return Optional.of(new Forwarder() {
            @Override
            public Future<Channel> dial() {
                return afterPacing(paceClient("tcp", null), recordFailure(hopForwarder.dial()));
            }

            @Override
            public Future<Channel> dial(String network) {
                // The node is chosen while dialing: the handler's own limiter is asked with an empty addr.
                return afterPacing(paceClient(network, null), recordFailure(hopForwarder.dial(network)));
            }
        });
    }

    /** The forwarder node used, if any, for the log line. */
    String forwardNode() {
        return forwarder == null || forwarder.lastNode() == null ? null : forwarder.lastNode().name();
    }

    String forwardTarget() {
        if (forwarder == null || forwarder.lastNode() == null) {
            return target == null ? null : ConnectionLog.hostAndPort(target);
        }
        return ConnectionLog.hostAndPort(forwarder.lastNode().address());
    }

    @Override
    public Optional<String> ownSocketsRefusal() {
        return Optional.ofNullable(service.ownSocketsRefusal());
    }

    @Override
    public Optional<Refusal> admitRequest() {
        Refusal refusal = pendingRefusal;
        pendingRefusal = null;
        if (refusal == null) {
            refusal = service.access().checkRequest(service.name(), clientAddress);
        }
        if (refusal != null) {
            recordError(new RefusedException(refusal));
        }
        return Optional.ofNullable(refusal);
    }

    @Override
    public Future<RelayResult> relay(Channel upstream) {
        relayed = true;
        Future<RelayResult> result = Relay.start(client, upstream, service.idleTimeout(), this);
        result.addListener(this);
        return result;
    }

    /** The relay moved a chunk: the service's and the observer's live counters. */
    @Override
    public void moved(long fromClient, long toClient) {
        service.countBytes(this, fromClient, toClient);
    }

    /** A relay (of streams or datagrams) ended: its counts and error go into the log line, logged now. */
    @Override
    public void operationComplete(Future<RelayResult> result) {
        RelayResult relayResult = result.getNow();
        if (relayResult != null) {
            fromClient += relayResult.fromClient();
            toClient += relayResult.toClient();
            if (relayResult.error() != null && error == null) {
                error = relayResult.error();
            }
        }
        // A relayed connection is logged when the relay has counted its bytes, not at the client's close.
        service.connectionClosed(this);
    }

    @Override
    public Future<RelayResult> relayDatagrams(Channel upstream) {
        relayed = true;
        Future<RelayResult> result = DatagramRelay.start(client, upstream, service.idleTimeout());
        result.addListener(this);
        return result;
    }

    @Override
    public void countBytes(long fromClient, long toClient) {
        this.fromClient += fromClient;
        this.toClient += toClient;
        service.countBytes(this, fromClient, toClient);
    }

    @Override
    public <T> CompletionStage<T> createClientSideSocket(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        service.placement().place(service.listenNamespace(),
                        new SocketPurpose(SocketPurpose.Kind.CLIENT_SIDE, service.name(), service.address()),
                        client.eventLoop(),
                        () -> {
                            try {
                                return client.eventLoop().newSucceededFuture(work.call());
                            } catch (Exception e) {
                                return client.eventLoop().<T>newFailedFuture(e);
                            }
                        })
                .addListener(done -> {
                    if (done.isSuccess()) {
                        @SuppressWarnings("unchecked")
                        T value = (T) done.getNow();
                        result.complete(value);
                    } else {
                        result.completeExceptionally(done.cause());
                    }
                });
        return result;
    }

    /** A refused request, as the connection's log line names it. */
    static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedException(Refusal refusal) {
            super("refused: " + refusal.message(), null, false, false);
        }
    }
}
