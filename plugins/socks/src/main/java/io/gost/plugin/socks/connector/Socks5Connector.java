package io.gost.plugin.socks.connector;

import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.RouteException;
import io.gost.plugin.socks.pipeline.SocksPipelineNames;
import io.gost.plugin.socks.v5.Socks5Addresses;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.socksx.v5.Socks5ClientEncoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponseDecoder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks a SOCKS5 hop to CONNECT to the next address, modelled on Netty's {@code Socks5ProxyHandler}.
 *
 * <p>The greeting offers no-auth (0x00), plus username/password (0x02) when the node has credentials;
 * the hop's choice decides whether the RFC 1929 sub-negotiation runs. The CONNECT names an IP address
 * (resolved, or an unresolved IP literal) as IPv4/IPv6 and anything else as DOMAIN, so the hop resolves
 * it. On success the SOCKS handlers are gone and the channel carries the tunnel, auto-read still off;
 * bytes the hop sent right after its reply are kept by an {@link io.gost.plugin.socks.pipeline.InboundReplayHandler}
 * in the decoder's place and given to the next reader on its first {@code read()}.
 *
 * <p>Failures are {@link RouteException}s naming the hop and its answer: HOP_REJECTED when it refuses
 * (no acceptable method, credentials rejected, a non-zero CONNECT reply, or closing the connection),
 * TIMEOUT when the handshake takes longer than the timeout given, GENERAL for a malformed answer or a
 * request SOCKS5 cannot express. The channel is closed whenever the future fails.
 *
 * <p>Stateless across connections: one instance serves every connection through its node.
 */
public final class Socks5Connector implements Connector {

    private static final int MAX_FIELD_BYTES = 255;

    private final Optional<Credentials> credentials;

    /**
     * @param credentials presented when the hop asks for username/password
     * @throws IllegalArgumentException when the username or password is longer than 255 bytes (UTF-8)
     */
    public Socks5Connector(Optional<Credentials> credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        credentials.ifPresent(given -> {
            checkLength("username", given.username());
            checkLength("password", given.password());
        });
    }

    private static void checkLength(String field, String value) {
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_FIELD_BYTES) {
            throw new IllegalArgumentException("socks5 connector: the " + field + " is " + length
                    + " bytes long in UTF-8; SOCKS5 (RFC 1929) allows at most 255");
        }
    }

    @Override
    public Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(target, "target");
        Promise<Channel> result = channel.eventLoop().newPromise();
        if (!"tcp".equals(network)) {
            channel.close();
            return result.setFailure(new RouteException(RouteException.Reason.GENERAL, "socks5 connector: cannot reach "
                    + Socks5Addresses.format(target) + " over network '" + network
                    + "' through socks5 hop " + Socks5Addresses.format(channel.remoteAddress())
                    + "; only tcp is supported"));
        }
        Socks5CommandRequest request;
        try {
            request = Socks5Addresses.connectRequest(target);
        } catch (IllegalArgumentException e) {
            channel.close();
            return result.setFailure(new RouteException(RouteException.Reason.GENERAL, "socks5 connector: cannot ask "
                    + "for " + Socks5Addresses.format(target) + " in SOCKS5: " + e.getMessage()));
        }
        Runnable start = () -> {
            Socks5ConnectHandshakeHandler handshake =
                    new Socks5ConnectHandshakeHandler(result, request, credentials, timeout);
            ChannelPipeline pipeline = channel.pipeline();
            pipeline.addLast(SocksPipelineNames.CONNECTOR_ENCODER, Socks5ClientEncoder.DEFAULT)
                    .addLast(SocksPipelineNames.CONNECTOR_DECODER, new Socks5InitialResponseDecoder())
                    .addLast(SocksPipelineNames.CONNECTOR_HANDSHAKE, handshake);
            handshake.start();
        };
        if (channel.eventLoop().inEventLoop()) {
            start.run();
        } else {
            channel.eventLoop().execute(start);
        }
        return result;
    }

    @Override
    public String toString() {
        return "Socks5Connector[credentials=" + credentials.map(Credentials::toString).orElse("none") + "]";
    }
}
