package io.gost.plugin.ws.stage;

import io.gost.plugin.tls.stage.ChannelStage;
import io.gost.plugin.tls.stage.HandshakeWatch;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket as a {@link ChannelStage} (on a plain or TLS channel): the HTTP upgrade, then the byte stream over
 * binary messages ({@value #BYTES_NAME} in the pipeline, after the frame codecs). {@link #server} answers
 * upgrades on one path for a listener, {@link #client} asks for one for a dialer; {@code wss} is
 * {@code TlsStage.server(...).then(WebSocketStage.server(...))}.
 *
 * <p>Multiplexed transports put one smux frame in each message, which is what writing each frame in one
 * {@code write} gives (unless {@code writeMessageSize} splits it).
 */
public final class WebSocketStage {

    /** The pipeline name of the handler that turns messages into bytes and back. */
    public static final String BYTES_NAME = "gost-ws";
    /** The pipeline name of the upgrade handler, while the upgrade runs. */
    public static final String UPGRADE_NAME = "gost-ws-upgrade";
    /** The pipeline name of the handler that watches the upgrade. */
    public static final String WATCH_NAME = "gost-ws-handshake";
    /** The pipeline name of the holder of what came right after the upgrade. */
    public static final String HELD_NAME = "gost-ws-held";

    /** The largest HTTP request or response head the upgrade reads. */
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private static final Logger LOGGER = LoggerFactory.getLogger(WebSocketStage.class);

    /** The user event of a finished upgrade. */
    static final Object UPGRADED = new Object() {
        @Override
        public String toString() {
            return "WebSocket upgraded";
        }
    };

    /** The user event of a refused upgrade, with why. */
    record Refused(String reason) {
    }

    /** A refused WebSocket upgrade. */
    public static final class UpgradeRefusedException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        UpgradeRefusedException(String message) {
            super(message);
        }
    }

    private WebSocketStage() {
    }

    /**
     * Answers the upgrade on each connection within the handshake timeout. A refused request is answered
     * (404, 400, 426) and closed, and logged in one line naming the client and why; a client that closes
     * without asking anything is logged at debug level only.
     */
    public static ChannelStage server(WebSocketSettings settings, String ownerName) {
        return (channel, peer) -> {
            Promise<Channel> done = channel.eventLoop().newPromise();
            channel.eventLoop().execute(() -> {
                if (!channel.isActive()) {
                    done.tryFailure(new ClosedChannelException());
                    return;
                }
                applyReadBufferSize(channel, settings);
                ChannelPipeline pipeline = channel.pipeline();
                pipeline.addLast("gost-ws-http", new HttpServerCodec(4096, MAX_HEAD_BYTES, 8192));
                pipeline.addLast("gost-ws-aggregator", new HttpObjectAggregator(MAX_HEAD_BYTES));
                if (settings.compression()) {
                    pipeline.addLast("gost-ws-compression", new WebSocketServerCompressionHandler());
                }
                pipeline.addLast(UPGRADE_NAME, new ServerUpgrade(settings));
                pipeline.addLast(WATCH_NAME, watch(done, settings.handshakeTimeout()));
                channel.read();
            });
            done.addListener(outcome -> {
                if (!outcome.isSuccess() && !outcome.isCancelled()) {
                    Throwable cause = outcome.cause();
                    if (cause instanceof ClosedChannelException) {
                        LOGGER.debug("{}: {} closed the connection before a WebSocket upgrade", ownerName,
                                channel.remoteAddress());
                    } else {
                        LOGGER.info("{}: WebSocket upgrade from {} refused: {}; connection closed", ownerName,
                                channel.remoteAddress(), describe(cause, settings));
                    }
                }
            });
            return done;
        };
    }

    /**
     * Asks for the upgrade on a dialed connection to {@code peer}: {@code GET path} with {@code Host} set to the
     * settings' host or the node's {@code host:port}, and the configured headers. The future fails with an
     * {@link UpgradeRefusedException} saying what the server answered instead, after closing the channel.
     *
     * @param secure whether the URL is {@code wss://} (a TLS stage ran before), which only changes the URL
     */
    public static ChannelStage client(WebSocketSettings settings, boolean secure) {
        return (channel, peer) -> {
            Promise<Channel> stage = channel.eventLoop().newPromise();
            channel.eventLoop().execute(() -> {
                if (!channel.isActive()) {
                    stage.tryFailure(new ClosedChannelException());
                    return;
                }
                try {
                    applyReadBufferSize(channel, settings);
                    WebSocketClientHandshaker handshaker = handshaker(settings, secure, peer);
                    ChannelPipeline pipeline = channel.pipeline();
                    pipeline.addLast("gost-ws-http", new HttpClientCodec(4096, MAX_HEAD_BYTES, 8192));
                    pipeline.addLast("gost-ws-aggregator", new HttpObjectAggregator(MAX_HEAD_BYTES));
                    if (settings.compression()) {
                        pipeline.addLast("gost-ws-compression", WebSocketClientCompressionHandler.INSTANCE);
                    }
                    pipeline.addLast(WATCH_NAME, watch(stage, settings.handshakeTimeout()));
                    pipeline.addBefore(WATCH_NAME, UPGRADE_NAME, new ClientUpgrade(handshaker, settings));
                    channel.read();
                } catch (RuntimeException e) {
                    stage.tryFailure(e);
                    channel.close();
                }
            });
            Promise<Channel> done = channel.eventLoop().newPromise();
            stage.addListener(outcome -> {
                if (outcome.isSuccess()) {
                    done.trySuccess(channel);
                } else if (!outcome.isCancelled()) {
                    UpgradeRefusedException failure = new UpgradeRefusedException("WebSocket upgrade with "
                            + hostHeader(settings, peer) + settings.path() + " failed: "
                            + describe(outcome.cause(), settings));
                    failure.initCause(outcome.cause());
                    done.tryFailure(failure);
                }
            });
            done.addListener(outcome -> {
                if (outcome.isCancelled()) {
                    stage.cancel(false);
                    channel.close();
                }
            });
            return done;
        };
    }

    private static HandshakeWatch watch(Promise<Channel> done, Duration timeout) {
        return new HandshakeWatch(done, timeout, event -> event == UPGRADED,
                event -> event instanceof Refused refused ? new UpgradeRefusedException(refused.reason()) : null,
                HELD_NAME);
    }

    private static WebSocketClientHandshaker handshaker(WebSocketSettings settings, boolean secure,
                                                        InetSocketAddress peer) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.HOST, hostHeader(settings, peer));
        for (Map.Entry<String, List<String>> header : settings.headers().entrySet()) {
            headers.set(header.getKey(), header.getValue());
        }
        URI uri;
        try {
            uri = new URI((secure ? "wss://" : "ws://") + hostHeader(settings, peer) + settings.path());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("WebSocket URL with host '" + hostHeader(settings, peer)
                    + "' and path '" + settings.path() + "' is not valid: " + e.getMessage(), e);
        }
        return WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null,
                settings.compression(), headers, settings.maxMessageSize(), true, false, -1, false, false);
    }

    /** GOST's default Host: the node's address with its port. */
    static String hostHeader(WebSocketSettings settings, InetSocketAddress peer) {
        if (settings.host() != null) {
            return settings.host();
        }
        String host = peer.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + peer.getPort();
    }

    private static void applyReadBufferSize(Channel channel, WebSocketSettings settings) {
        if (settings.readBufferSize() > 0) {
            int max = Math.max(64, settings.readBufferSize());
            channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR,
                    new AdaptiveRecvByteBufAllocator(64, Math.min(2048, max), max));
        }
    }

    private static String describe(Throwable cause, WebSocketSettings settings) {
        if (cause instanceof TimeoutException) {
            return cause.getMessage() + " (handshakeTimeout)";
        }
        if (cause instanceof ClosedChannelException) {
            return "the peer closed the connection during the upgrade";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
