package io.gost.plugin.http.connector;

import io.gost.api.Connector;
import io.gost.api.Credentials;
import io.gost.api.RouteException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Connector {@code http}: one {@code CONNECT host:port HTTP/1.1} over an established connection to a
 * proxy hop, in the manner of Netty's {@code HttpProxyHandler}.
 *
 * <p>The request carries {@code Host: host:port}, any configured extra fields and, with credentials,
 * {@code Proxy-Authorization: Basic}. Any 2xx answer opens the tunnel; the future then completes with
 * the same channel, the handshake handlers removed and auto-read still off. Tunnel bytes that arrived
 * with the answer wait in a {@link PendingBytesHandler} and are delivered on the next {@code read()},
 * so the relay or the next connector of a chain sees them first. Failures are
 * {@link RouteException}s: {@code HOP_REJECTED} for a non-2xx answer (the message quotes the status
 * line), {@code TIMEOUT}, or {@code GENERAL} when the hop closes or answers garbage; the channel is
 * closed then.
 *
 * <p>A non-positive timeout means none. The same channel may go through several connects in a row (a
 * chain of http hops), each one after the previous has completed.
 */
final class HttpConnector implements Connector {

    private final HttpConnectorSettings settings;

    HttpConnector(HttpConnectorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout) {
        EventLoop eventLoop = channel.eventLoop();
        Promise<Channel> promise = eventLoop.newPromise();
        if (!"tcp".equals(network)) {
            return promise.setFailure(new RouteException(RouteException.Reason.GENERAL,
                    "the http connector tunnels tcp only; cannot connect " + network + " to " + authority(target)));
        }
        Duration handshakeTimeout = settings.timeout().orElse(timeout);
        if (eventLoop.inEventLoop()) {
            start(channel, target, handshakeTimeout, promise);
        } else {
            eventLoop.execute(() -> start(channel, target, handshakeTimeout, promise));
        }
        return promise;
    }

    private void start(Channel channel, InetSocketAddress target, Duration timeout, Promise<Channel> promise) {
        String authority = authority(target);
        if (!channel.isActive()) {
            promise.tryFailure(new RouteException(RouteException.Reason.GENERAL, "hop "
                    + describe(channel.remoteAddress()) + " is not connected; cannot send CONNECT " + authority));
            return;
        }
        if (channel.pipeline().get(HttpConnectorPipeline.HANDSHAKE) != null) {
            promise.tryFailure(new RouteException(RouteException.Reason.GENERAL, "a CONNECT is already under way on"
                    + " the connection to hop " + describe(channel.remoteAddress()) + "; cannot send CONNECT "
                    + authority + " before it completes"));
            return;
        }
        ConnectHandshakeHandler handshake = new ConnectHandshakeHandler(promise,
                describe(channel.remoteAddress()), authority, timeout);
        channel.pipeline()
                .addLast(HttpConnectorPipeline.RESPONSE_DECODER, new ConnectResponseDecoder())
                .addLast(HttpConnectorPipeline.HANDSHAKE, handshake);
        handshake.begin(connectRequest(channel.alloc(), authority));
    }

    /** The request bytes: request line, Host, extra fields, Proxy-Authorization, blank line. */
    ByteBuf connectRequest(ByteBufAllocator alloc, String authority) {
        StringBuilder request = new StringBuilder(160)
                .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        for (Map.Entry<String, String> field : settings.extraHeaders().entrySet()) {
            request.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
        }
        settings.credentials().ifPresent(credentials ->
                request.append("Proxy-Authorization: Basic ").append(basic(credentials)).append("\r\n"));
        request.append("\r\n");
        byte[] bytes = request.toString().getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    private static String basic(Credentials credentials) {
        String pair = credentials.username() + ":" + credentials.password();
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code host:port} as the hop should see it: the name when there is one, IPv6 in brackets. */
    static String authority(InetSocketAddress target) {
        String host = target.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + target.getPort();
    }

    private static String describe(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? authority(inet) : String.valueOf(address);
    }
}
