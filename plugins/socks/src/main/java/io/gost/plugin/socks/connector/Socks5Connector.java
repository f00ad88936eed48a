package io.gost.plugin.socks.connector;

import io.gost.api.Credentials;
import io.gost.api.RouteException;
import io.gost.api.handshake.Handshake;
import io.gost.api.handshake.HandshakeConnector;
import io.gost.plugin.socks.v5.Socks5Addresses;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialRequest;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5ClientEncoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks a SOCKS5 hop to CONNECT to the next address: greeting, optional username/password (RFC 1929), CONNECT.
 * Only the protocol is here; {@link HandshakeConnector} does the rest. The greeting offers no-auth (0x00), plus
 * username/password (0x02) when the node has credentials. The CONNECT names an IP address (or IP literal) as
 * IPv4/IPv6, anything else as DOMAIN for the hop to resolve. HOP_REJECTED when the hop refuses (no acceptable
 * method, credentials rejected, a non-zero reply), GENERAL for a malformed answer.
 */
public final class Socks5Connector extends HandshakeConnector {

    private final Optional<Credentials> credentials;

    /** @throws IllegalArgumentException when the username or password is longer than 255 bytes (UTF-8) */
    public Socks5Connector(Optional<Credentials> credentials, Optional<Duration> timeoutOverride) {
        super("socks5", timeoutOverride);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        Utf8PasswordAuthRequestEncoder.check(credentials);
    }

    @Override
    protected Handshake newHandshake(InetSocketAddress target) {
        return new Socks5Handshake(target);
    }

    private final class Socks5Handshake extends Handshake {

        private final InetSocketAddress target;
        private ChannelHandler decoder = new Socks5InitialResponseDecoder();
        private Socks5CommandRequest request;
        private String awaiting = "method selection";

        private Socks5Handshake(InetSocketAddress target) {
            this.target = target;
        }

        @Override
        protected List<ChannelHandler> codecs() {
            return List.of(Socks5ClientEncoder.DEFAULT, Utf8PasswordAuthRequestEncoder.INSTANCE, decoder);
        }

        @Override
        protected Object firstRequest() {
            request = Socks5Addresses.connectRequest(target);
            return credentials.isPresent()
                    ? new DefaultSocks5InitialRequest(Socks5AuthMethod.NO_AUTH, Socks5AuthMethod.PASSWORD)
                    : new DefaultSocks5InitialRequest(Socks5AuthMethod.NO_AUTH);
        }

        @Override
        protected boolean onAnswer(Object answer) throws RouteException {
            if (answer instanceof DecoderResultProvider decoded && decoded.decoderResult().isFailure()) {
                Throwable cause = decoded.decoderResult().cause();
                throw malformed("sent a malformed SOCKS5 " + awaiting + ": " + (cause == null ? "unknown error"
                        : cause.getMessage()));
            }
            if (answer instanceof Socks5InitialResponse selection) {
                onMethodSelected(selection.authMethod());
                return false;
            }
            if (answer instanceof Socks5PasswordAuthResponse status) {
                if (status.status() != Socks5PasswordAuthStatus.SUCCESS) {
                    throw rejected("rejected the username/password of user '" + credentials.get().username()
                            + "' (status " + hex(status.status().byteValue() & 0xFF) + ")");
                }
                sendConnect();
                return false;
            }
            if (answer instanceof Socks5CommandResponse reply) {
                if (reply.status() != Socks5CommandStatus.SUCCESS) {
                    throw answeredWith(Socks5Replies.describe(reply.status()));
                }
                return true;
            }
            throw malformed("sent something unexpected during the SOCKS5 handshake: "
                    + (answer instanceof ByteBuf ? "bytes before its CONNECT reply" : answer));
        }

        private void onMethodSelected(Socks5AuthMethod method) throws RouteException {
            if (method == Socks5AuthMethod.NO_AUTH) {
                sendConnect();
            } else if (method == Socks5AuthMethod.PASSWORD && credentials.isPresent()) {
                sendCredentials(credentials.get());
            } else if (method == Socks5AuthMethod.UNACCEPTED) {
                throw rejected("accepts none of the offered methods (" + (credentials.isPresent()
                        ? "0x00 no-auth, 0x02 username/password)"
                        : "0x00 no-auth); if it needs a username and password, give the node credentials"
                                + " (socks5://user:pass@host:port or connector.auth)"));
            } else {
                throw rejected("chose method " + hex(method.byteValue() & 0xFF) + ", which was not offered");
            }
        }

        private void sendCredentials(Credentials given) {
            swapDecoder(new Socks5PasswordAuthResponseDecoder(), "username/password status");
            send(new DefaultSocks5PasswordAuthRequest(given.username(), given.password()));
        }

        private void sendConnect() {
            swapDecoder(new Socks5CommandResponseDecoder(), "CONNECT reply");
            send(request);
        }

        private void swapDecoder(ChannelHandler next, String answer) {
            replaceCodec(decoder, next);
            decoder = next;
            awaiting = answer;
        }

        @Override
        protected String awaiting() {
            return "waiting for its " + awaiting;
        }
    }

    private static String hex(int value) {
        return String.format("0x%02x", value);
    }

    @Override
    public String toString() {
        return "Socks5Connector[credentials=" + credentials.map(Credentials::toString).orElse("none") + "]";
    }
}
