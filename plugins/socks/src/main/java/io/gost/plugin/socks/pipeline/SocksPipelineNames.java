package io.gost.plugin.socks.pipeline;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;

/**
 * Every pipeline handler name this plugin uses, in one place.
 *
 * <p>Server side ({@code socks5} handler), in pipeline order while the handshake runs:
 * <ol>
 *   <li>{@link #REPLAY} only when the {@code auto} handler sniffed the first bytes: gives them back on the
 *       first {@code read()};</li>
 *   <li>{@link #SERVER_ENCODER} encodes method selection, sub-negotiation and command replies;</li>
 *   <li>{@link #SERVER_DECODER} decodes the greeting, then (replaced in place) the username/password
 *       request, then the command request;</li>
 *   <li>{@link #SERVER_HANDSHAKE} drives the exchange and runs the command.</li>
 * </ol>
 * All of them are gone when the relay starts; a UDP association replaces them with
 * {@link #UDP_CONTROL}, which watches the TCP control connection.
 *
 * <p>Client side ({@code socks5} connector), added after whatever the dialer installed (TLS ...):
 * {@link #CONNECTOR_ENCODER}, {@link #CONNECTOR_DECODER} (initial, sub-negotiation, then command response,
 * each replacing the previous), {@link #CONNECTOR_HANDSHAKE}. On success the decoder is replaced by
 * {@link #CONNECTOR_REPLAY}, which keeps any bytes the hop sent after its reply for the next reader.
 *
 * <p>{@code auto} handler: {@link #AUTO_SNIFF} until the first bytes arrive, then {@link #REPLAY} in its
 * place, ahead of the delegate's handlers.
 */
public final class SocksPipelineNames {

    public static final String REPLAY = "socks-replay";
    public static final String AUTO_SNIFF = "socks-auto-sniff";

    public static final String SERVER_ENCODER = "socks5-server-encoder";
    public static final String SERVER_DECODER = "socks5-server-decoder";
    public static final String SERVER_HANDSHAKE = "socks5-server-handshake";
    public static final String UDP_CONTROL = "socks5-udp-control";

    public static final String CONNECTOR_ENCODER = "socks5-connector-encoder";
    public static final String CONNECTOR_DECODER = "socks5-connector-decoder";
    public static final String CONNECTOR_HANDSHAKE = "socks5-connector-handshake";
    public static final String CONNECTOR_REPLAY = "socks5-connector-replay";

    private SocksPipelineNames() {
    }

    /**
     * {@code name} when the pipeline has no handler of that name yet, else {@code null} (Netty then makes
     * up a unique one): two SOCKS5 hops in a row may briefly leave two replay handlers in one pipeline.
     */
    public static String unique(ChannelPipeline pipeline, String name) {
        ChannelHandler existing = pipeline.get(name);
        return existing == null ? name : null;
    }
}
