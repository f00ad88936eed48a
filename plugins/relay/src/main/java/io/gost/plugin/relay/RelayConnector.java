package io.gost.plugin.relay;

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
import io.gost.plugin.mux.smux.SmuxConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The relay connector's requests that wait for the hop's answer: every request with {@code nodelay=true}, and
 * whatever nodelay says, the BINDs (GOST's connector always waits for a BIND's answer):
 * <ul>
 *   <li>CONNECT tcp: then the target's bytes;</li>
 *   <li>CONNECT udp to one target (the UDP flag and the network feature): then datagrams framed
 *       {@code LEN | DATA} ({@link RelayDatagramCodec});</li>
 *   <li>a UDP association ({@link #associate}): GOST's BIND udp on {@code 0.0.0.0:0}, then UDP-TUN frames naming
 *       each datagram's destination ({@link UdpTunCodec});</li>
 *   <li>as a {@link Binder}: BIND tcp (connections come back as smux streams, this side the smux server; what
 *       {@code rtcp} asks for) and BIND udp on a port (datagrams come back as UDP-TUN frames naming their peer;
 *       {@code rudp}). The hop needs {@code bind=true}; it answers 3 otherwise.</li>
 * </ul>
 */
final class RelayConnector extends HandshakeConnector implements Binder {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("0.0.0.0", 0);

    private final Optional<Credentials> credentials;
    private final SmuxConfig smuxConfig;

    RelayConnector(Optional<Credentials> credentials, Optional<Duration> timeout, SmuxConfig smuxConfig) {
        super("relay", timeout);
        this.credentials = credentials;
        this.smuxConfig = smuxConfig;
    }

    private String username() {
        return credentials.map(Credentials::username).orElse(null);
    }

    private String password() {
        return credentials.map(Credentials::password).orElse(null);
    }

    @Override
    protected Handshake newHandshake(InetSocketAddress target) {
        return new RelayHandshake("CONNECT", alloc -> RelayProtocol.connectRequest(alloc, "tcp", target, username(),
                password()), List.of());
    }

    @Override
    protected Handshake newHandshake(String network, InetSocketAddress target) {
        if ("udp".equals(network)) {
            return new RelayHandshake("CONNECT udp", alloc -> RelayProtocol.connectRequest(alloc, "udp", target,
                    username(), password()), List.of(RelayDatagramCodec.client(target)));
        }
        return super.newHandshake(network, target);
    }

    @Override
    protected Handshake newAssociation() {
        return new RelayHandshake("BIND udp", alloc -> RelayProtocol.bindRequest(alloc, "udp", ANY_PORT, username(),
                password()), List.of(UdpTunCodec.client(null)));
    }

    @Override
    public Future<Binding> bind(Channel channel, BindRequest request, ListenContext.Acceptor acceptor,
                                Duration timeout) {
        Promise<Binding> result = channel.eventLoop().newPromise();
        InetSocketAddress address = request.address();
        boolean udp = request.network().equals("udp");
        String hop = "relay hop " + HostPort.format(channel.remoteAddress());
        if (!udp && !request.multiplex()) {
            channel.close();
            return result.setFailure(new RouteException(RouteException.Reason.GENERAL, "cannot ask " + hop + " for"
                    + " the one connection of a standard SOCKS5 BIND: a relay BIND brings connections back over smux"
                    + " (what rtcp asks for); make the chain's last hop socks5 for a SOCKS5 client's BIND"));
        }
        if (udp && address.getPort() == 0) {
            channel.close();
            return result.setFailure(new RouteException(RouteException.Reason.GENERAL, "cannot ask " + hop
                    + " to listen on udp port 0: to a relay server a UDP BIND on port 0 is an association, not a"
                    + " port of its own; give the port to open"));
        }
        RelayHandshake handshake = new RelayHandshake("BIND", alloc -> RelayProtocol.bindRequest(alloc,
                request.network(), address, username(), password()),
                udp ? List.of(UdpTunCodec.client(null)) : List.of());
        handshake(channel, handshake, request.network() + " " + HostPort.format(address), timeout).addListener(done -> {
            if (!done.isSuccess()) {
                result.tryFailure(done.cause());
                return;
            }
            InetSocketAddress bound = handshake.bound() == null ? address
                    : RelayProtocol.resolvedIfLiteral(handshake.bound());
            Binding binding = udp ? RelayBindings.datagrams(channel, bound, request.sessions(), acceptor, hop)
                    : RelayBindings.multiplexed(channel, bound, smuxConfig, acceptor, hop);
            if (!result.trySuccess(binding)) {
                binding.close();
            }
        });
        return result;
    }

    /** One request and its answer. */
    private static final class RelayHandshake extends Handshake {

        private final String command;
        private final java.util.function.Function<io.netty.buffer.ByteBufAllocator, ByteBuf> request;
        private final List<ChannelHandler> tunnelHandlers;
        private InetSocketAddress bound;

        RelayHandshake(String command, java.util.function.Function<io.netty.buffer.ByteBufAllocator, ByteBuf> request,
                       List<ChannelHandler> tunnelHandlers) {
            this.command = command;
            this.request = request;
            this.tunnelHandlers = tunnelHandlers;
        }

        /** The address feature of the answer (a BIND's port), or null. */
        InetSocketAddress bound() {
            return bound;
        }

        @Override
        protected String command() {
            return command;
        }

        @Override
        protected List<ChannelHandler> codecs() {
            return List.of(new RelayMessageDecoder("response"));
        }

        @Override
        protected List<ChannelHandler> tunnelHandlers() {
            return tunnelHandlers;
        }

        @Override
        protected Object firstRequest() {
            return request.apply(alloc());
        }

        @Override
        protected boolean onAnswer(Object answer) throws RouteException {
            if (!(answer instanceof RelayMessage response)) {
                throw malformed("sent bytes before its relay answer");
            }
            if (response.code() != RelayProtocol.STATUS_OK) {
                throw answeredWith("relay status " + RelayProtocol.describeStatus(response.code()));
            }
            bound = response.address();
            return true;
        }
    }
}
