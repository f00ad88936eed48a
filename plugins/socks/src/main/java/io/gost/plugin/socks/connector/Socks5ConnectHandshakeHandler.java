package io.gost.plugin.socks.connector;

import io.gost.api.Credentials;
import io.gost.api.RouteException;
import io.gost.plugin.socks.pipeline.InboundReplayHandler;
import io.gost.plugin.socks.pipeline.SocksPipelineNames;
import io.gost.plugin.socks.v5.Socks5Addresses;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The client side of one SOCKS5 handshake: greeting, optional username/password, CONNECT. Completes
 * {@code result} with the channel once the hop answers 0x00, leaving the pipeline as it found it plus an
 * {@link InboundReplayHandler} holding what the hop sent after its reply; fails it otherwise and closes
 * the channel. See {@link Socks5Connector} for the failure reasons.
 */
final class Socks5ConnectHandshakeHandler extends ChannelInboundHandlerAdapter {

    private enum Phase { METHOD, PASSWORD, COMMAND, DONE }

    private final Promise<Channel> result;
    private final Socks5CommandRequest request;
    private final Optional<Credentials> credentials;
    private final Duration timeout;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.METHOD;
    private ScheduledFuture<?> deadline;

    Socks5ConnectHandshakeHandler(Promise<Channel> result, Socks5CommandRequest request,
                                  Optional<Credentials> credentials, Duration timeout) {
        this.result = result;
        this.request = request;
        this.credentials = credentials;
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Sends the greeting; called once the codec is in the pipeline. */
    void start() {
        result.addListener(done -> {
            if (done.isCancelled()) {
                finish();
                ctx.channel().close();
            }
        });
        if (timeout != null && !timeout.isNegative() && !timeout.isZero()) {
            deadline = ctx.executor().schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        DefaultSocks5InitialRequest greeting = credentials.isPresent()
                ? new DefaultSocks5InitialRequest(Socks5AuthMethod.NO_AUTH, Socks5AuthMethod.PASSWORD)
                : new DefaultSocks5InitialRequest(Socks5AuthMethod.NO_AUTH);
        send(greeting, "greeting");
    }

    private void send(Object message, String what) {
        ctx.writeAndFlush(message).addListener(written -> {
            if (!written.isSuccess()) {
                fail(RouteException.Reason.GENERAL, "cannot send the SOCKS5 " + what + " to socks5 hop " + hop() + ": "
                        + written.cause().getMessage());
            }
        });
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            if (phase == Phase.METHOD && message instanceof Socks5InitialResponse selection) {
                onMethodSelected(selection);
            } else if (phase == Phase.PASSWORD && message instanceof Socks5PasswordAuthResponse status) {
                onAuthenticated(status);
            } else if (phase == Phase.COMMAND && message instanceof Socks5CommandResponse reply) {
                onReply(reply);
            } else if (phase != Phase.DONE) {
                fail(RouteException.Reason.GENERAL, "socks5 hop " + hop() + " sent something unexpected during the"
                        + " SOCKS5 handshake: " + message);
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void onMethodSelected(Socks5InitialResponse selection) {
        if (malformed(selection.decoderResult(), "method selection")) {
            return;
        }
        Socks5AuthMethod method = selection.authMethod();
        if (method == Socks5AuthMethod.NO_AUTH) {
            sendConnect();
        } else if (method == Socks5AuthMethod.PASSWORD && credentials.isPresent()) {
            sendCredentials(credentials.get());
        } else if (method == Socks5AuthMethod.UNACCEPTED) {
            fail(RouteException.Reason.HOP_REJECTED, "socks5 hop " + hop() + " accepts none of the offered methods ("
                    + (credentials.isPresent() ? "0x00 no-auth, 0x02 username/password" : "0x00 no-auth")
                    + ")" + (credentials.isPresent() ? "" : "; if it needs a username and password, give the node"
                    + " credentials (socks5://user:pass@host:port or connector.auth)"));
        } else {
            fail(RouteException.Reason.HOP_REJECTED, "socks5 hop " + hop() + " chose method "
                    + String.format("0x%02x", method.byteValue() & 0xFF) + ", which was not offered");
        }
    }

    /**
     * Writes the RFC 1929 request as raw bytes instead of through Netty's client encoder, which writes the
     * fields as US-ASCII and so would mangle a non-ASCII username or password; GOST sends UTF-8 bytes.
     */
    private void sendCredentials(Credentials given) {
        phase = Phase.PASSWORD;
        replaceDecoder(new Socks5PasswordAuthResponseDecoder());
        byte[] username = given.username().getBytes(StandardCharsets.UTF_8);
        byte[] password = given.password().getBytes(StandardCharsets.UTF_8);
        ByteBuf authRequest = ctx.alloc().buffer(3 + username.length + password.length);
        authRequest.writeByte(0x01)
                .writeByte(username.length).writeBytes(username)
                .writeByte(password.length).writeBytes(password);
        send(authRequest, "username/password request");
    }

    private void onAuthenticated(Socks5PasswordAuthResponse status) {
        if (malformed(status.decoderResult(), "username/password status")) {
            return;
        }
        if (status.status() == Socks5PasswordAuthStatus.SUCCESS) {
            sendConnect();
        } else {
            fail(RouteException.Reason.HOP_REJECTED, "socks5 hop " + hop() + " rejected the username/password of user '"
                    + credentials.map(Credentials::username).orElse("") + "' (status "
                    + String.format("0x%02x", status.status().byteValue() & 0xFF) + ")");
        }
    }

    private void sendConnect() {
        phase = Phase.COMMAND;
        replaceDecoder(new Socks5CommandResponseDecoder());
        send(request, "CONNECT request");
    }

    private void onReply(Socks5CommandResponse reply) {
        if (malformed(reply.decoderResult(), "CONNECT reply")) {
            return;
        }
        if (reply.status() != Socks5CommandStatus.SUCCESS) {
            fail(RouteException.Reason.HOP_REJECTED, "socks5 hop " + hop() + " answered CONNECT " + requested()
                    + " with " + Socks5Replies.describe(reply.status()));
            return;
        }
        succeed();
    }

    private void succeed() {
        finish();
        ChannelPipeline pipeline = ctx.pipeline();
        // In the decoder's place, so that bytes the decoder passes on after the reply (same segment) are held,
        // and above any transport handler (TLS) the dialer installed.
        pipeline.replace(SocksPipelineNames.CONNECTOR_DECODER,
                SocksPipelineNames.unique(pipeline, SocksPipelineNames.CONNECTOR_REPLAY), new InboundReplayHandler());
        pipeline.remove(SocksPipelineNames.CONNECTOR_ENCODER);
        pipeline.remove(this);
        if (!result.trySuccess(ctx.channel())) {
            ctx.channel().close(); // the caller gave up meanwhile
        }
    }

    private boolean malformed(DecoderResult decoded, String what) {
        if (decoded.isSuccess()) {
            return false;
        }
        fail(RouteException.Reason.GENERAL, "socks5 hop " + hop() + " sent a malformed SOCKS5 " + what + ": "
                + (decoded.cause() == null ? "unknown error" : decoded.cause().getMessage()));
        return true;
    }

    private void replaceDecoder(ChannelHandler decoder) {
        ctx.pipeline().replace(SocksPipelineNames.CONNECTOR_DECODER, SocksPipelineNames.CONNECTOR_DECODER, decoder);
    }

    private void timedOut() {
        fail(RouteException.Reason.TIMEOUT, "socks5 hop " + hop() + " did not answer the SOCKS5 handshake for CONNECT "
                + requested() + " within " + timeout.toMillis() + " ms (" + awaited() + ")");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            closedByHop();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closedByHop();
        ctx.fireChannelInactive();
    }

    private void closedByHop() {
        fail(RouteException.Reason.HOP_REJECTED, "socks5 hop " + hop() + " closed the connection before answering the "
                + "SOCKS5 handshake for CONNECT " + requested() + " (" + awaited() + ")");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(RouteException.Reason.GENERAL, "the connection to socks5 hop " + hop() + " failed during the SOCKS5 "
                + "handshake for CONNECT " + requested() + ": " + cause.getMessage());
    }

    private void fail(RouteException.Reason reason, String message) {
        if (phase == Phase.DONE) {
            return;
        }
        finish();
        result.tryFailure(new RouteException(reason, message));
        ctx.channel().close();
    }

    private void finish() {
        phase = Phase.DONE;
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        finish();
    }

    private String awaited() {
        return switch (phase) {
            case METHOD -> "waiting for its method selection";
            case PASSWORD -> "waiting for its username/password status";
            case COMMAND -> "waiting for its CONNECT reply";
            case DONE -> "finished";
        };
    }

    private String hop() {
        return Socks5Addresses.format(ctx.channel().remoteAddress());
    }

    private String requested() {
        String host = request.dstAddr();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + request.dstPort();
    }
}
