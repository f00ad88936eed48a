package io.gost.plugin.socks.connector;

import io.gost.api.BindRequest;
import io.gost.api.Binder;
import io.gost.api.Binding;
import io.gost.api.Credentials;
import io.gost.api.HostPort;
import io.gost.api.ListenContext;
import io.gost.api.RouteException;
import io.gost.api.datagram.UdpTunCodec;
import io.gost.api.handshake.Handshake;
import io.gost.api.handshake.HandshakeConnector;
import io.gost.plugin.socks.v5.Socks5Addresses;
import io.gost.plugin.socks.v5.Socks5Commands;
import io.gost.plugin.socks.v5.Socks5Replies;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
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
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks a SOCKS5 hop for a tunnel: greeting, optional username/password (RFC 1929), then the request. Only the
 * protocol is here; {@link HandshakeConnector} does the rest. The greeting offers no-auth (0x00), plus
 * username/password (0x02) when the node has credentials. An address names an IP (or IP literal) as IPv4/IPv6,
 * anything else as DOMAIN for the hop to resolve. HOP_REJECTED when the hop refuses (no acceptable method,
 * credentials rejected, a non-zero reply), GENERAL for a malformed answer.
 *
 * <p>The requests, as GOST's connector makes them ({@code x/connector/socks/v5}):
 * <ul>
 *   <li>tcp: CONNECT;</li>
 *   <li>udp to a target, and associations: GOST's UDP-TUN (0xF3) with DST 0.0.0.0:0; the connection then carries
 *       datagrams framed by {@link UdpTunCodec}, each naming its destination (the one target, or each datagram's
 *       recipient). GOST's servers and gost-java's understand it; other SOCKS5 servers answer 0x07;</li>
 *   <li>as a {@link Binder}: BIND (a standard SOCKS5 BIND: one connection comes back, after a second reply naming
 *       its peer), MBIND (0xF2: connections come back as smux streams, this side the smux server; what {@code rtcp}
 *       asks for; needs a GOST or gost-java server) and UDP-TUN with the port to listen on ({@code rudp}).</li>
 * </ul>
 */
public final class Socks5Connector extends HandshakeConnector implements Binder {

    /** What GOST sends as DST when the request names no address. */
    private static final InetSocketAddress NO_ADDRESS = new InetSocketAddress("0.0.0.0", 0);

    private final Optional<Credentials> credentials;

    /** @throws IllegalArgumentException when the username or password is longer than 255 bytes (UTF-8) */
    public Socks5Connector(Optional<Credentials> credentials, Optional<Duration> timeoutOverride) {
        super("socks5", timeoutOverride);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        Utf8PasswordAuthRequestEncoder.check(credentials);
    }

    @Override
    protected Handshake newHandshake(InetSocketAddress target) {
        return new Socks5Handshake(Socks5CommandType.CONNECT, target, List.of());
    }

    @Override
    protected Handshake newHandshake(String network, InetSocketAddress target) {
        if ("udp".equals(network)) {
            return new Socks5Handshake(Socks5Commands.UDP_TUN, NO_ADDRESS, List.of(UdpTunCodec.client(target)));
        }
        return super.newHandshake(network, target);
    }

    @Override
    protected Handshake newAssociation() {
        return new Socks5Handshake(Socks5Commands.UDP_TUN, NO_ADDRESS, List.of(UdpTunCodec.client(null)));
    }

    @Override
    public Future<Binding> bind(Channel channel, BindRequest request, ListenContext.Acceptor acceptor,
                                Duration timeout) {
        Promise<Binding> result = channel.eventLoop().newPromise();
        InetSocketAddress address = request.address();
        if (request.network().equals("udp") && address.getPort() == 0) {
            channel.close();
            return result.setFailure(new RouteException(RouteException.Reason.GENERAL, "cannot ask socks5 hop "
                    + HostPort.format(channel.remoteAddress()) + " to listen on udp port 0: to a SOCKS5 server"
                    + " UDP-TUN with port 0 means forwarding, not listening; give the port to open"));
        }
        Socks5CommandType command = request.network().equals("udp") ? Socks5Commands.UDP_TUN
                : request.multiplex() ? Socks5Commands.MBIND : Socks5CommandType.BIND;
        List<ChannelHandler> framing = request.network().equals("udp") ? List.of(UdpTunCodec.client(null)) : List.of();
        Socks5Handshake handshake = new Socks5Handshake(command, address, framing);
        handshake(channel, handshake, HostPort.format(address), timeout).addListener(done -> {
            if (!done.isSuccess()) {
                result.tryFailure(done.cause());
                return;
            }
            InetSocketAddress bound = handshake.bound();
            String hop = "socks5 hop " + HostPort.format(channel.remoteAddress());
            Binding binding = request.network().equals("udp")
                    ? BoundPorts.datagrams(channel, bound, request.sessions(), acceptor, hop)
                    : request.multiplex() ? BoundPorts.multiplexed(channel, bound, acceptor, hop)
                    : BoundPorts.single(channel, bound, acceptor, hop);
            if (!result.trySuccess(binding)) {
                binding.close();
            }
        });
        return result;
    }

    private final class Socks5Handshake extends Handshake {

        private final Socks5CommandType command;
        private final InetSocketAddress address;
        private final List<ChannelHandler> tunnelHandlers;
        private ChannelHandler decoder = new Socks5InitialResponseDecoder();
        private Socks5CommandRequest request;
        private String awaiting = "method selection";
        private InetSocketAddress bound;

        private Socks5Handshake(Socks5CommandType command, InetSocketAddress address,
                                List<ChannelHandler> tunnelHandlers) {
            this.command = command;
            this.address = address;
            this.tunnelHandlers = tunnelHandlers;
        }

        /** BND.ADDR and BND.PORT of the granting reply. */
        InetSocketAddress bound() {
            return bound;
        }

        @Override
        protected String command() {
            return Socks5Commands.name(command);
        }

        @Override
        protected List<ChannelHandler> codecs() {
            return List.of(Socks5ClientEncoder.DEFAULT, Utf8PasswordAuthRequestEncoder.INSTANCE, decoder);
        }

        @Override
        protected List<ChannelHandler> tunnelHandlers() {
            return tunnelHandlers;
        }

        @Override
        protected Object firstRequest() {
            request = Socks5Addresses.request(command, address);
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
                sendRequest();
                return false;
            }
            if (answer instanceof Socks5CommandResponse reply) {
                if (reply.status() != Socks5CommandStatus.SUCCESS) {
                    throw answeredWith(Socks5Replies.describe(reply.status()));
                }
                bound = BoundPorts.address(reply);
                return true;
            }
            throw malformed("sent something unexpected during the SOCKS5 handshake: "
                    + (answer instanceof ByteBuf ? "bytes before its " + command() + " reply" : answer));
        }

        private void onMethodSelected(Socks5AuthMethod method) throws RouteException {
            if (method == Socks5AuthMethod.NO_AUTH) {
                sendRequest();
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

        private void sendRequest() {
            swapDecoder(new Socks5CommandResponseDecoder(), command() + " reply");
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
