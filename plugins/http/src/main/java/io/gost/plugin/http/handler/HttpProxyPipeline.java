package io.gost.plugin.http.handler;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Names and order of the handlers this plugin puts into pipelines, and the limits of its HTTP decoders.
 *
 * <p>Client channel, head to tail, one handler per phase:
 * <ol>
 *   <li>{@value #BYTE_COUNTER} ({@link ClientByteCounter}): counts raw bytes for the connection log;</li>
 *   <li>{@value #SERVER_CODEC} ({@code HttpServerCodec});</li>
 *   <li>{@value #REQUEST_QUEUE} ({@link RequestQueue}): one decoded message per {@code read()}, the rest waits;</li>
 *   <li>{@value #REQUEST} ({@link RequestValidator}): header timeout, 400/414/431, request target;</li>
 *   <li>{@value #AUTH} ({@link ProxyAuthenticator}), only with credentials: 407;</li>
 *   <li>{@value #CONNECT} ({@link ConnectTunnel}): CONNECT, then the runtime's relay;</li>
 *   <li>{@value #FORWARD} ({@link RequestForwarder}): absolute-form requests upstream.</li>
 * </ol>
 * For a CONNECT the queue gives way to {@value #TUNNEL_BYTES} (the tunnel's first bytes, in a
 * {@code HeldInbound}), and all of them are removed before the channel goes to the relay.
 *
 * <p>Upstream channel (forwarded requests only), appended after whatever the router left there:
 * {@value #CLIENT_CODEC} ({@code HttpClientCodec}), {@value #UPSTREAM} ({@link ResponseRelay}).
 */
final class HttpProxyPipeline {

    static final String BYTE_COUNTER = "gost-http-byte-counter";
    static final String SERVER_CODEC = "gost-http-server-codec";
    static final String REQUEST_QUEUE = "gost-http-request-queue";
    static final String REQUEST = "gost-http-request";
    static final String AUTH = "gost-http-auth";
    static final String CONNECT = "gost-http-connect";
    static final String FORWARD = "gost-http-forward";
    static final String TUNNEL_BYTES = "gost-http-tunnel-bytes";
    static final String CLIENT_CODEC = "gost-http-client-codec";
    static final String UPSTREAM = "gost-http-upstream";

    private static final List<String> CLIENT_HANDLERS = List.of(BYTE_COUNTER, SERVER_CODEC, REQUEST_QUEUE, REQUEST,
            AUTH, CONNECT, FORWARD);

    /** Longest request or status line accepted; longer request lines are answered with 414. */
    static final int MAX_INITIAL_LINE_LENGTH = 8192;
    /** Largest header section accepted (squid's limit); larger ones are answered with 431. */
    static final int MAX_HEADER_SIZE = 64 * 1024;
    /** Largest piece of body passed on at once, so a large body streams in bounded pieces. */
    static final int MAX_CHUNK_SIZE = 8192;

    private HttpProxyPipeline() {
    }

    /** A fresh decoder configuration with this plugin's limits ({@link HttpDecoderConfig} is mutable). */
    static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK_SIZE);
    }

    /** The client-side handlers of this plugin still in {@code pipeline}, head to tail. */
    static ChannelHandler[] handlers(ChannelPipeline pipeline) {
        List<ChannelHandler> present = new ArrayList<>(CLIENT_HANDLERS.size());
        for (String name : CLIENT_HANDLERS) {
            ChannelHandler handler = pipeline.get(name);
            if (handler != null) {
                present.add(handler);
            }
        }
        return present.toArray(ChannelHandler[]::new);
    }
}
