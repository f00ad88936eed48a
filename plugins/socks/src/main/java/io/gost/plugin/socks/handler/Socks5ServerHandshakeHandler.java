package io.gost.plugin.socks.handler;

import io.gost.api.Authenticator;
import io.gost.api.HandlerContext;
import io.gost.api.handshake.HeldInbound;
import io.gost.api.handshake.RelayHandOff;
import io.gost.plugin.socks.pipeline.SocksPipelineNames;
import io.gost.plugin.socks.v5.Socks5Addresses;
import io.gost.plugin.socks.v5.Socks5Commands;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one client through the SOCKS5 handshake and starts its command.
 *
 * <ol>
 *   <li>Greeting: the method is chosen from those the client offers and the service allows: with an
 *       authenticator only username/password (0x02), without one only no-auth (0x00). Nothing acceptable:
 *       reply 0xFF and close.</li>
 *   <li>Username/password (RFC 1929): status 0x00 when the authenticator accepts, else 0x01 and close.</li>
 *   <li>Command: CONNECT ({@link ConnectCommand}), BIND ({@link BindCommand}, when {@code bind} is on) and
 *       UDP ASSOCIATE ({@link UdpAssociation}, when {@code udp} is on; both off answer 0x02, as GOST).
 *       An unknown command answers 0x07, an unknown address type 0x08; both then close.</li>
 * </ol>
 *
 * <p>The decoder in front of this handler is replaced in place at each step ({@code pipeline.replace}
 * hands bytes the client sent ahead to the new decoder). Malformed input of any kind (wrong version,
 * no methods, bad field) arrives as a message whose {@link DecoderResult} failed and closes the connection
 * without a reply. A request cut short waits for more bytes, bounded by the handshake timeout
 * ({@code readTimeout}, 15 s), after which the connection is closed; so is one whose client half-closes
 * mid-handshake.
 *
 * <p>After the request, bytes the client sends early (a pipelining client, or a FIN that makes epoll read
 * with auto-read off) wait in a {@link HeldInbound} behind this handler; gost-api's {@link RelayHandOff} writes
 * them upstream before the relay starts, so nothing is lost.
 *
 * <p>Why this class is long: it is the SOCKS5 server's state machine (greeting, auth, request) and the one
 * place that decides, for each command (CONNECT, BIND, UDP ASSOCIATE, GOST's UDP-TUN and MBIND), whether the
 * service may run it and with which reply code; each command's work is its own class.
 */
final class Socks5ServerHandshakeHandler extends ChannelInboundHandlerAdapter implements CommandSession {

    private static final Logger LOGGER = LoggerFactory.getLogger(Socks5ServerHandshakeHandler.class);

    private enum Phase {
        GREETING, PASSWORD, COMMAND,
        /** The command runs; the connection is still ours. */
        EXECUTING,
        /** A final error reply is on its way; the connection closes after it. */
        CLOSING,
        /** Given to the relay or to a UDP control handler. */
        HANDED_OVER
    }

    /**
     * RFC 1929 only says "other than 0x00"; 0x01 is what GOST, Dante and curl's tests use. Netty's
     * {@code Socks5PasswordAuthStatus.FAILURE} is 0xFF.
     */
    private static final Socks5PasswordAuthStatus CREDENTIALS_REJECTED = Socks5PasswordAuthStatus.valueOf((byte) 0x01);

    private final Socks5HandlerConfig config;
    private final HandlerContext context;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.GREETING;
    private ScheduledFuture<?> deadline;
    private HeldInbound clientBytes;
    private Socks5Command command;

    Socks5ServerHandshakeHandler(Socks5HandlerConfig config, HandlerContext context) {
        this.config = config;
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        deadline = ctx.executor().schedule(this::handshakeTimedOut, config.handshakeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (phase == Phase.EXECUTING && message instanceof ByteBuf) {
            ctx.fireChannelRead(message); // into the holder
            return;
        }
        try {
            if (phase == Phase.GREETING && message instanceof Socks5InitialRequest greeting) {
                onGreeting(greeting);
            } else if (phase == Phase.PASSWORD && message instanceof Socks5PasswordAuthRequest credentials) {
                onCredentials(credentials);
            } else if (phase == Phase.COMMAND && message instanceof Socks5CommandRequest request) {
                onCommand(request);
            } else if (phase != Phase.CLOSING) {
                LOGGER.debug("{}: unexpected {} during SOCKS5 {}; closing", describe(), message, phase);
                closeNow();
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void onGreeting(Socks5InitialRequest greeting) {
        if (failedToDecode(greeting.decoderResult(), "greeting")) {
            return;
        }
        // GOST's skipauth: clients from those addresses are asked for no credentials.
        Socks5AuthMethod required = config.authenticator().filter(a -> a.requiredFor(context.clientAddress()))
                .isPresent() ? Socks5AuthMethod.PASSWORD : Socks5AuthMethod.NO_AUTH;
        List<Socks5AuthMethod> offered = greeting.authMethods();
        if (!offered.contains(required)) {
            LOGGER.info("{}: the client offers SOCKS5 methods {} but this service requires {}; replying 0xff",
                    describe(), methodCodes(offered), methodCodes(List.of(required)));
            replyThenClose(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED));
            return;
        }
        if (required == Socks5AuthMethod.PASSWORD) {
            phase = Phase.PASSWORD;
            replaceDecoder(new Utf8PasswordAuthRequestDecoder());
        } else {
            phase = Phase.COMMAND;
            replaceDecoder(new Socks5CommandRequestDecoder(TargetAddressDecoder.INSTANCE));
        }
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(required));
        ctx.read();
    }

    private void onCredentials(Socks5PasswordAuthRequest credentials) {
        if (failedToDecode(credentials.decoderResult(), "username/password request")) {
            return;
        }
        String username = credentials.username();
        java.util.concurrent.CompletableFuture<Boolean> answer = authenticate(username, credentials.password());
        if (answer.isDone()) {
            authenticated(username, answer.getNow(false));
        } else {
            // Checked remotely (an auther's HTTP plugin): nothing is read until the answer is back on the loop.
            answer.whenComplete((accepted, error) -> ctx.executor().execute(() ->
                    authenticated(username, error == null && Boolean.TRUE.equals(accepted))));
        }
    }

    private void authenticated(String username, boolean accepted) {
        if (phase != Phase.PASSWORD || !ctx.channel().isActive()) {
            return;
        }
        if (!accepted) {
            LOGGER.info("{}: SOCKS5 username/password rejected for user '{}'; replying 0x01", describe(), username);
            replyThenClose(new DefaultSocks5PasswordAuthResponse(CREDENTIALS_REJECTED));
            return;
        }
        // GOST's client id: the handler's own limiter asks about it.
        context.authenticated(config.authenticator().map(a -> a.clientId(username)).orElse(username));
        phase = Phase.COMMAND;
        replaceDecoder(new Socks5CommandRequestDecoder(TargetAddressDecoder.INSTANCE));
        ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
        ctx.read();
    }

    private java.util.concurrent.CompletableFuture<Boolean> authenticate(String username, String password) {
        Authenticator authenticator = config.authenticator().orElse(null);
        if (authenticator == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(false);
        }
        try {
            return authenticator.authenticate(username, password, context.clientAddress()).toCompletableFuture();
        } catch (RuntimeException e) {
            LOGGER.warn("{}: the authenticator failed; treating the credentials as rejected", describe(), e);
            return java.util.concurrent.CompletableFuture.completedFuture(false);
        }
    }

    private void onCommand(Socks5CommandRequest request) {
        cancelDeadline();
        // The service's connection and request-rate limits (the runtime has logged a refusal).
        if (context.admitRequest().isPresent()) {
            fail(Socks5CommandStatus.FORBIDDEN);
            return;
        }
        DecoderResult result = request.decoderResult();
        if (!result.isSuccess()) {
            if (result.cause() instanceof TargetAddressDecoder.UnsupportedAddressTypeException unsupported) {
                LOGGER.info("{}: {}; replying {}", describe(), unsupported.getMessage(),
                        Socks5Replies.describe(Socks5CommandStatus.ADDRESS_UNSUPPORTED));
                fail(Socks5CommandStatus.ADDRESS_UNSUPPORTED);
            } else {
                failedToDecode(result, "command request");
            }
            return;
        }
        Socks5CommandType type = request.type();
        InetSocketAddress address = Socks5Addresses.target(request.dstAddrType(), request.dstAddr(), request.dstPort());
        if (type == Socks5CommandType.CONNECT) {
            command = new ConnectCommand(this, address);
        } else if (type == Socks5CommandType.BIND) {
            if (!allowed(type, config.bindEnabled(), "bind") || refusedForOwnSockets(type)) {
                return;
            }
            // Through a chain the port opens on its last hop, never here around the chain.
            command = context.routesThroughChain() ? new ChainedBindCommand(this, address) : new BindCommand(this);
        } else if (type == Socks5CommandType.UDP_ASSOCIATE) {
            if (!allowed(type, config.udpEnabled(), "udp") || refusedForOwnSockets(type)) {
                return;
            }
            command = new UdpAssociation(this);
        } else if (type.equals(Socks5Commands.MBIND)) {
            if (!allowed(type, config.bindEnabled(), "bind") || refusedForOwnSockets(type)) {
                return;
            }
            if (context.routesThroughChain()) {
                // The port would open here, around the chain; MBIND is not carried through chains yet.
                LOGGER.info("{}: SOCKS5 MBIND is not carried through this service's chain; replying {}", describe(),
                        Socks5Replies.describe(Socks5CommandStatus.COMMAND_UNSUPPORTED));
                fail(Socks5CommandStatus.COMMAND_UNSUPPORTED);
                return;
            }
            command = new MbindCommand(this, address);
        } else if (type.equals(Socks5Commands.UDP_TUN)) {
            UdpTunCommand tunnel = new UdpTunCommand(this, address);
            if (!allowed(type, tunnel.listening() ? config.bindEnabled() : config.udpEnabled(),
                    tunnel.listening() ? "bind" : "udp") || refusedForOwnSockets(type)) {
                return;
            }
            command = tunnel;
        } else {
            LOGGER.info("{}: unknown SOCKS5 command 0x{}; replying {}", describe(),
                    Integer.toHexString(type.byteValue() & 0xFF),
                    Socks5Replies.describe(Socks5CommandStatus.COMMAND_UNSUPPORTED));
            fail(Socks5CommandStatus.COMMAND_UNSUPPORTED);
            return;
        }
        phase = Phase.EXECUTING;
        clientBytes = new HeldInbound();
        ctx.pipeline().addAfter(ctx.name(), SocksPipelineNames.CLIENT_BYTES, clientBytes);
        // Started as a separate task: bytes the client sent right after its request are still being passed
        // up by the decoder and must be kept (EXECUTING) before a command that completes at once hands
        // the connection over.
        ctx.executor().execute(() -> {
            if (phase == Phase.EXECUTING) {
                command.start();
            }
        });
    }

    /** Refuses a command the service does not allow with 0x02 (as GOST) and returns false. */
    private boolean allowed(Socks5CommandType type, boolean enabled, String key) {
        if (enabled) {
            return true;
        }
        LOGGER.info("{}: SOCKS5 {} is disabled on this service (metadata '{}: true' enables it); replying {}",
                describe(), Socks5Commands.name(type), key, Socks5Replies.describe(Socks5CommandStatus.FORBIDDEN));
        fail(Socks5CommandStatus.FORBIDDEN);
        return false;
    }

    /**
     * Refuses (0x02) a command whose sockets toward targets the handler opens itself or asks the route for (a UDP
     * relay, a bound port, a UDP tunnel, MBIND) while the service has controls only applied to what the runtime
     * dials (bypass, limiter, hosts, resolver, interface, so_mark): going around them is not allowed. Through a
     * chain too, since the datagrams and bound connections would not meet them either.
     */
    private boolean refusedForOwnSockets(Socks5CommandType type) {
        Optional<String> refusal = context.ownSocketsRefusal();
        if (refusal.isEmpty()) {
            return false;
        }
        LOGGER.warn("{}: SOCKS5 {} refused: {}; replying {}", describe(), Socks5Commands.name(type), refusal.get(),
                Socks5Replies.describe(Socks5CommandStatus.FORBIDDEN));
        fail(Socks5CommandStatus.FORBIDDEN);
        return true;
    }

    private boolean failedToDecode(DecoderResult result, String what) {
        if (result.isSuccess()) {
            return false;
        }
        LOGGER.info("{}: malformed SOCKS5 {}: {}; closing", describe(), what,
                result.cause() == null ? "unknown error" : result.cause().getMessage());
        closeNow();
        return true;
    }

    private void replaceDecoder(ChannelHandler decoder) {
        ctx.pipeline().replace(SocksPipelineNames.SERVER_DECODER, SocksPipelineNames.SERVER_DECODER, decoder);
    }

    private void replyThenClose(Object reply) {
        phase = Phase.CLOSING;
        cancelDeadline();
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeNow() {
        phase = Phase.CLOSING;
        cancelDeadline();
        ctx.close();
    }

    private void handshakeTimedOut() {
        if (phase == Phase.GREETING || phase == Phase.PASSWORD || phase == Phase.COMMAND) {
            LOGGER.info("{}: no complete SOCKS5 request within {} (metadata readTimeout); closing", describe(),
                    config.handshakeTimeout());
            closeNow();
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            if (phase == Phase.EXECUTING) {
                command.clientInputEnded();
            } else if (phase != Phase.CLOSING && phase != Phase.HANDED_OVER) {
                LOGGER.debug("{}: the client ended its side during the SOCKS5 handshake; closing", describe());
                closeNow();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        if (phase == Phase.EXECUTING) {
            phase = Phase.CLOSING;
            command.clientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOGGER.debug("{}: error on the client connection during SOCKS5 {}; closing", describe(), phase, cause);
        if (phase == Phase.EXECUTING) {
            phase = Phase.CLOSING;
            command.clientClosed();
        }
        closeNow();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    // ---- CommandSession ----

    @Override
    public Channel client() {
        return ctx.channel();
    }

    @Override
    public HandlerContext context() {
        return context;
    }

    @Override
    public Socks5HandlerConfig config() {
        return config;
    }

    @Override
    public String describe() {
        return "service " + context.serviceName() + ": connection " + context.sessionId() + " from "
                + Socks5Addresses.format(context.clientAddress());
    }

    @Override
    public void fail(Socks5CommandStatus status) {
        if (!ctx.channel().isActive()) {
            phase = Phase.CLOSING;
            ctx.close();
            return;
        }
        replyThenClose(Socks5Addresses.failure(status));
    }

    @Override
    public ChannelFuture replySuccess(SocketAddress bound) {
        return ctx.writeAndFlush(Socks5Addresses.success(bound));
    }

    @Override
    public void relayTo(Channel upstream) {
        if (!ctx.channel().isActive() || phase != Phase.EXECUTING) {
            upstream.close();
            return;
        }
        phase = Phase.HANDED_OVER;
        ChannelPipeline pipeline = ctx.pipeline();
        RelayHandOff.between(ctx.channel(), upstream, context)
                .holding(clientBytes)
                .removing(pipeline.get(SocksPipelineNames.SERVER_DECODER), pipeline.get(SocksPipelineNames.SERVER_ENCODER),
                        this)
                .replyThenRelay(null);
    }

    @Override
    public void becomeControlConnection(ChannelHandler controlHandler) {
        phase = Phase.HANDED_OVER;
        ctx.pipeline().remove(clientBytes); // a control connection carries no data: what is held is dropped
        removeSocksHandlers();
        ctx.pipeline().replace(this, SocksPipelineNames.UDP_CONTROL, controlHandler);
    }

    @Override
    public void becomeDatagramTunnel(ChannelHandler codec) {
        ChannelPipeline pipeline = ctx.pipeline();
        // Still EXECUTING: removing the decoder hands what it buffered (frames the client sent right after its
        // request) through this handler to the holder; the codec goes behind the holder, so those bytes are
        // decoded like the rest.
        removeSocksHandlers();
        pipeline.addAfter(SocksPipelineNames.CLIENT_BYTES, SocksPipelineNames.DATAGRAM_CODEC, codec);
        phase = Phase.HANDED_OVER;
        pipeline.remove(this);
    }

    @Override
    public void becomeStreamCarrier() {
        removeSocksHandlers();
        phase = Phase.HANDED_OVER;
        ctx.pipeline().remove(this);
    }

    @Override
    public void readAhead() {
        ctx.read();
    }

    private void removeSocksHandlers() {
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(SocksPipelineNames.SERVER_DECODER) != null) {
            pipeline.remove(SocksPipelineNames.SERVER_DECODER);
        }
        if (pipeline.get(SocksPipelineNames.SERVER_ENCODER) != null) {
            pipeline.remove(SocksPipelineNames.SERVER_ENCODER);
        }
    }

    private static String methodCodes(List<Socks5AuthMethod> methods) {
        StringBuilder codes = new StringBuilder("[");
        for (Socks5AuthMethod method : methods) {
            if (codes.length() > 1) {
                codes.append(", ");
            }
            codes.append(String.format("0x%02x", method.byteValue() & 0xFF));
        }
        return codes.append(']').toString();
    }
}
