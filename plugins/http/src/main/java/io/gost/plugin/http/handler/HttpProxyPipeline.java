package io.gost.plugin.http.handler;

import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * Names and order of the handlers this plugin puts into pipelines, and the limits of its HTTP decoders.
 *
 * <p>Client channel, head to tail: {@value #BYTE_COUNTER} (counts raw bytes for the connection log),
 * {@value #SERVER_CODEC} ({@code HttpServerCodec}), {@value #PROXY} (the per-connection state machine).
 * For a {@code CONNECT} all three are removed before the channel goes to the runtime's relay.
 *
 * <p>Upstream channel (forwarded requests only), appended after whatever the router left there:
 * {@value #CLIENT_CODEC} ({@code HttpClientCodec}), {@value #UPSTREAM} (passes the response back).
 */
final class HttpProxyPipeline {

    static final String BYTE_COUNTER = "gost-http-byte-counter";
    static final String SERVER_CODEC = "gost-http-server-codec";
    static final String PROXY = "gost-http-proxy";
    static final String CLIENT_CODEC = "gost-http-client-codec";
    static final String UPSTREAM = "gost-http-upstream";

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
}
