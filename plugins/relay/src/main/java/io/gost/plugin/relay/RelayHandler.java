package io.gost.plugin.relay;

import io.gost.api.Authenticator;
import io.gost.api.Forwarder;
import io.gost.api.Handler;
import io.gost.api.HandlerContext;
import io.gost.api.HostPort;
import io.gost.api.RouteException;
import io.gost.api.handshake.HeldInbound;
import io.gost.api.handshake.RelayHandOff;
import io.gost.plugin.mux.smux.SmuxConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay protocol's server side, as GOST's {@code x/handler/relay}:
 * <ul>
 *   <li>a request GOST could not read (another version, an unknown feature, a truncated one) closes the
 *       connection without an answer; so does a client that has not sent a complete request within
 *       {@code readTimeout};</li>
 *   <li>a request the service's connection or request-rate limit refuses is answered 5;</li>
 *   <li>with credentials configured (and the client not in {@code skipauth}), a request whose user auth
 *       feature is missing or wrong is answered 2;</li>
 *   <li>forwarder mode: the target is the forwarder's node (command and address are ignored); no node or a
 *       failed dial answers 6;</li>
 *   <li>CONNECT (tcp or udp): no address answers 1, a target the bypass forbids 3, a failed dial 7; udp is
 *       carried as {@link UdpRequests} says;</li>
 *   <li>BIND (tcp: {@link TcpBindServer}; udp: {@link UdpRequests}): answered 3 unless {@code bind} is set, and 3
 *       when the service has controls its own sockets would go around ({@link HandlerContext#ownSocketsRefusal});
 *       a port that cannot be opened answers 5 (GOST closes without an answer for udp); other networks 1; a
 *       port on a service with a chain 5 (it would open here, around the chain; a udp association does go through
 *       the chain);</li>
 *   <li>other commands answer 1;</li>
 *   <li>success answers 0, at once with {@code nodelay}, else glued to the target's first bytes (GOST's
 *       default, which a server-first protocol only sees once the client sends something); a BIND's answer goes
 *       out at once.</li>
 * </ul>
 */
final class RelayHandler implements Handler {

    private static final Logger LOGGER = LoggerFactory.getLogger(RelayHandler.class);

    /** Where a UDP request's framing goes in the client's pipeline: behind what the client sent after its request. */
    static final String DATAGRAM_CODEC = "gost-relay-datagram-codec";

    private final String owner;
    private final Duration readTimeout;
    private final boolean noDelay;
    private final Optional<Authenticator> authenticator;
    private final boolean bindEnabled;
    private final int udpBufferSize;
    private final SmuxConfig smuxConfig;

    RelayHandler(String owner, Duration readTimeout, boolean noDelay, Optional<Authenticator> authenticator,
                 boolean bindEnabled, int udpBufferSize, SmuxConfig smuxConfig) {
        this.owner = owner;
        this.readTimeout = readTimeout;
        this.noDelay = noDelay;
        this.authenticator = authenticator;
        this.bindEnabled = bindEnabled;
        this.udpBufferSize = udpBufferSize;
        this.smuxConfig = smuxConfig;
    }

    @Override
    public void handle(Channel client, HandlerContext context) {
        RelayMessageDecoder decoder = new RelayMessageDecoder("request");
        Session session = new Session(client, context, decoder);
        client.pipeline().addLast("gost-relay-request", decoder);
        client.pipeline().addLast("gost-relay-handler", session);
        session.start();
    }

    @Override
    public String toString() {
        return "RelayHandler[" + owner + ", readTimeout=" + readTimeout.toMillis() + "ms, nodelay=" + noDelay
                + ", bind=" + bindEnabled + ", udpBufferSize=" + udpBufferSize + ", " + smuxConfig.describe() + "]";
    }

    /** One connection's handshake. */
    private final class Session extends ChannelInboundHandlerAdapter implements RequestSession {

        private final Channel client;
        private final HandlerContext context;
        private final RelayMessageDecoder decoder;
        /** What the client sends behind its request, kept for the upstream; in place once the request is read. */
        private final HeldInbound held = new HeldInbound();
        private ScheduledFuture<?> timeout;
        private boolean requested;

        Session(Channel client, HandlerContext context, RelayMessageDecoder decoder) {
            this.client = client;
            this.context = context;
            this.decoder = decoder;
        }

        void start() {
            timeout = client.eventLoop().schedule(() -> {
                if (!requested && client.isOpen()) {
                    quietClose("no complete relay request within " + readTimeout.toMillis() + "ms (readTimeout)");
                }
            }, readTimeout.toNanos(), TimeUnit.NANOSECONDS);
            client.read();
        }

        @Override
        public String who() {
            return owner + " " + context.sessionId() + " " + context.clientAddress();
        }

        @Override
        public Channel client() {
            return client;
        }

        @Override
        public HandlerContext context() {
            return context;
        }

        @Override
        public void handOver(ChannelHandler codec) {
            // Removing the decoder hands what it still buffered (bytes behind the request) through this handler to
            // the holder, which keeps them for the first read; a codec behind the holder decodes them first.
            if (client.pipeline().context(decoder) != null) {
                client.pipeline().remove(decoder);
            }
            if (codec != null) {
                client.pipeline().addAfter("gost-relay-held", DATAGRAM_CODEC, codec);
            }
            client.pipeline().remove(this);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (requested || !(message instanceof RelayMessage request)) {
                ctx.fireChannelRead(message); // bytes behind the request: held for the relay
                return;
            }
            requested = true;
            timeout.cancel(false);
            // Only now: a holder in place earlier would take the handshake's own read() for the relay's.
            ctx.pipeline().addAfter(ctx.name(), "gost-relay-held", held);
            onRequest(request);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!requested && client.isActive()) {
                client.read();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (!requested && event instanceof ChannelInputShutdownEvent) {
                quietClose("the client closed before sending a complete request");
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            timeout.cancel(false);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecoderException) {
                // GOST closes without an answer when it cannot read the request.
                quietClose("unreadable " + cause.getMessage());
            } else {
                quietClose(String.valueOf(cause.getMessage()));
            }
        }

        private void quietClose(String why) {
            LOGGER.info("{}: {}; closing", who(), why);
            context.recordError(new java.io.IOException(why));
            timeout.cancel(false);
            client.close();
        }

        private void onRequest(RelayMessage request) {
            // The service's connection and request-rate limits (the runtime has logged a refusal).
            Optional<io.gost.api.Refusal> limited = context.admitRequest();
            if (limited.isPresent()) {
                refuse(RelayProtocol.STATUS_SERVICE_UNAVAILABLE, limited.get().message());
                return;
            }
            // GOST's skipauth: clients from those addresses are asked for no credentials.
            if (authenticator.isPresent() && authenticator.get().requiredFor(context.clientAddress())) {
                String user = request.username() == null ? "" : request.username();
                String pass = request.password() == null ? "" : request.password();
                // May be answered later (an auther's HTTP plugin): act on it back on the connection's loop.
                authenticator.get().authenticate(user, pass, context.clientAddress()).whenComplete((accepted, error) ->
                        client.eventLoop().execute(() -> {
                            if (!client.isActive()) {
                                return;
                            }
                            if (error == null && Boolean.TRUE.equals(accepted)) {
                                // GOST's client id, for the handler's own limiter.
                                context.authenticated(authenticator.get().clientId(user));
                                onAuthenticated(request);
                            } else {
                                refuse(RelayProtocol.STATUS_UNAUTHORIZED, request.username() == null
                                        ? "no credentials in the request"
                                        : "wrong credentials for user '" + user + "'");
                            }
                        }));
                return;
            }
            onAuthenticated(request);
        }

        private void onAuthenticated(RelayMessage request) {
            String network = request.networkName();
            Optional<Forwarder> forwarder = context.forwarder();
            if (forwarder.isPresent()) {
                if (!"tcp".equals(network)) {
                    refuse(RelayProtocol.STATUS_SERVICE_UNAVAILABLE, "relay over " + network
                            + " is not supported yet");
                    return;
                }
                dialed(forwarder.get().dial(), "the forwarder's node", RelayProtocol.STATUS_HOST_UNREACHABLE);
                return;
            }
            int command = request.code() & RelayProtocol.CMD_MASK;
            if (command == RelayProtocol.CMD_BIND) {
                bind(request, network);
                return;
            }
            if (command != 0 && command != RelayProtocol.CMD_CONNECT) {
                refuse(RelayProtocol.STATUS_BAD_REQUEST, "unknown relay command " + command);
                return;
            }
            if (!"tcp".equals(network) && !"udp".equals(network)) {
                refuse(RelayProtocol.STATUS_SERVICE_UNAVAILABLE, "relay CONNECT over " + network
                        + " is not supported");
                return;
            }
            InetSocketAddress target = request.address();
            if (target == null) {
                refuse(RelayProtocol.STATUS_BAD_REQUEST, "CONNECT without a target address");
                return;
            }
            if ("udp".equals(network)) {
                UdpRequests.connect(this, target, noDelay);
                return;
            }
            dialed(context.router().dial("tcp", target), HostPort.format(target),
                    RelayProtocol.STATUS_NETWORK_UNREACHABLE);
        }

        private void bind(RelayMessage request, String network) {
            if (!bindEnabled) {
                refuse(RelayProtocol.STATUS_FORBIDDEN, "relay BIND is disabled on this service (metadata 'bind: true'"
                        + " enables it)");
                return;
            }
            Optional<String> ownSockets = context.ownSocketsRefusal();
            if (ownSockets.isPresent()) {
                refuse(RelayProtocol.STATUS_FORBIDDEN, "relay BIND refused: " + ownSockets.get());
                return;
            }
            if (!"tcp".equals(network) && !"udp".equals(network)) {
                refuse(RelayProtocol.STATUS_BAD_REQUEST, "relay BIND over " + network + " is not supported");
                return;
            }
            InetSocketAddress address = bindAddress(request.address());
            if (address == null) {
                refuse(RelayProtocol.STATUS_BAD_REQUEST, "relay BIND on " + HostPort.format(request.address())
                        + ": the address to listen on must be an IP address");
                return;
            }
            boolean association = "udp".equals(network) && address.getPort() == 0;
            if (context.routesThroughChain() && !association) {
                // The port would open here, around the chain the user asked for.
                refuse(RelayProtocol.STATUS_SERVICE_UNAVAILABLE, "relay BIND is not carried through this service's"
                        + " chain");
                return;
            }
            if ("tcp".equals(network)) {
                new TcpBindServer(this, address, smuxConfig).start();
            } else {
                UdpRequests.bind(this, address, udpBufferSize);
            }
        }

        private void dialed(Future<Channel> dial, String target, int failureStatus) {
            dial.addListener(done -> {
                if (!done.isSuccess()) {
                    Throwable cause = done.cause();
                    int status = cause instanceof RouteException route
                            && route.reason() == RouteException.Reason.NOT_ALLOWED
                            ? RelayProtocol.STATUS_FORBIDDEN : failureStatus;
                    refuse(status, "cannot reach " + target + ": " + cause.getMessage());
                    return;
                }
                Channel upstream = (Channel) done.getNow();
                if (!client.isActive()) {
                    upstream.close();
                    return;
                }
                connected(upstream);
            });
        }

        private void connected(Channel upstream) {
            ByteBuf ok = RelayProtocol.response(client.alloc(), RelayProtocol.STATUS_OK);
            RelayHandOff handOff = RelayHandOff.between(client, upstream, context).holding(held)
                    .removing(decoder, this);
            if (noDelay) {
                handOff.replyThenRelay(ok);
            } else {
                // GOST's default: the answer waits for the target's first bytes and goes out with them.
                client.pipeline().addBefore("gost-relay-request", "gost-relay-delayed-response",
                        new DelayedHeader(ok));
                handOff.replyThenRelay(null);
            }
        }

        @Override
        public void refuse(int status, String why) {
            LOGGER.info("{}: answering relay status {}: {}", who(), RelayProtocol.describeStatus(status), why);
            context.recordError(new java.io.IOException("relay status " + RelayProtocol.describeStatus(status)
                    + ": " + why));
            if (!client.isActive()) {
                client.close();
                return;
            }
            client.writeAndFlush(RelayProtocol.response(client.alloc(), status))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * The address a BIND listens on: none means {@code 0.0.0.0:0}, as GOST's connector sends it; an IP literal as
     * it is; {@code null} for a name (resolving it here would block).
     */
    static InetSocketAddress bindAddress(InetSocketAddress requested) {
        if (requested == null) {
            return new InetSocketAddress("0.0.0.0", 0);
        }
        InetSocketAddress address = RelayProtocol.resolvedIfLiteral(requested);
        return address.isUnresolved() ? null : address;
    }
}
