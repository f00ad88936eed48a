package com.example.gost.socks4.connector;

import com.example.gost.socks4.protocol.Socks4;
import com.example.gost.socks4.protocol.Socks4ReplyDecoder;
import io.gost.api.Connector;
import io.gost.api.RouteException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Connector {@code socks4}: one SOCKS4 (or SOCKS4a) CONNECT over an established connection to a hop,
 * in the manner of Netty's {@code Socks4ProxyHandler}.
 *
 * <p>The future completes with the same channel once the hop answers {@code 0x5A}, the handshake
 * handlers removed and auto-read still off; tunnel bytes that came with the answer are delivered on the
 * next {@code read()}. It fails with a {@link RouteException}: {@code HOP_REJECTED} for any other answer
 * (the message names the hop, the target and the code), {@code TIMEOUT}, or {@code GENERAL} when the hop
 * closes, answers something that is not SOCKS4, or the target cannot be expressed in SOCKS4 (IPv6); the
 * channel is closed then.
 */
final class Socks4Connector implements Connector {

    /** Pipeline name of the {@link Socks4ReplyDecoder} while the handshake runs. */
    static final String REPLY_DECODER = "socks4-reply-decoder";
    /** Pipeline name of the {@link Socks4ConnectHandshakeHandler} while the handshake runs. */
    static final String HANDSHAKE = "socks4-handshake";
    /** Pipeline name of the {@link PendingBytesHandler} left when tunnel bytes came with the answer. */
    static final String PENDING_BYTES = "socks4-pending-bytes";

    private final String userId;
    private final Optional<Duration> timeoutOverride;

    /**
     * @param userId          sent as USERID, possibly empty
     * @param timeoutOverride replaces the timeout {@link #connect} is given, when present
     */
    Socks4Connector(String userId, Optional<Duration> timeoutOverride) {
        this.userId = Objects.requireNonNull(userId, "userId");
        this.timeoutOverride = Objects.requireNonNull(timeoutOverride, "timeoutOverride");
    }

    @Override
    public Future<Channel> connect(Channel channel, String network, InetSocketAddress target, Duration timeout) {
        EventLoop eventLoop = channel.eventLoop();
        Promise<Channel> promise = eventLoop.newPromise();
        if (!"tcp".equals(network)) {
            return promise.setFailure(new RouteException(RouteException.Reason.GENERAL,
                    "the socks4 connector tunnels tcp only; cannot connect " + network + " to " + authority(target)));
        }
        Duration handshakeTimeout = timeoutOverride.orElse(timeout);
        if (eventLoop.inEventLoop()) {
            start(channel, target, handshakeTimeout, promise);
        } else {
            eventLoop.execute(() -> start(channel, target, handshakeTimeout, promise));
        }
        return promise;
    }

    private void start(Channel channel, InetSocketAddress target, Duration timeout, Promise<Channel> promise) {
        String hop = describe(channel.remoteAddress());
        if (!channel.isActive()) {
            promise.tryFailure(new RouteException(RouteException.Reason.GENERAL, "socks4 hop " + hop
                    + " is not connected; cannot send CONNECT " + authority(target)));
            return;
        }
        ByteBuf request;
        try {
            request = Socks4.encodeConnect(channel.alloc(), target, userId);
        } catch (IllegalArgumentException e) {
            channel.close();
            promise.tryFailure(new RouteException(RouteException.Reason.GENERAL, "cannot ask socks4 hop " + hop
                    + " for " + authority(target) + ": " + e.getMessage() + "; use a socks5 hop for it"));
            return;
        }
        Socks4ConnectHandshakeHandler handshake =
                new Socks4ConnectHandshakeHandler(promise, hop, authority(target), timeout);
        channel.pipeline()
                .addLast(REPLY_DECODER, new Socks4ReplyDecoder())
                .addLast(HANDSHAKE, handshake);
        handshake.begin(request);
    }

    /** {@code host:port} as the hop is asked for it: the name when there is one, IPv6 in brackets. */
    static String authority(InetSocketAddress target) {
        String host = target.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + target.getPort();
    }

    private static String describe(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? authority(inet) : String.valueOf(address);
    }

    @Override
    public String toString() {
        return "Socks4Connector[userId=" + (userId.isEmpty() ? "(none)" : userId) + "]";
    }
}
