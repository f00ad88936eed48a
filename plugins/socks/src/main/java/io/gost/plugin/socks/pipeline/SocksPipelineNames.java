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
 * Once the command runs, {@link #CLIENT_BYTES} behind them holds what the client sends ahead of the relay.
 * All of them are gone when the relay starts; a UDP association replaces them with
 * {@link #UDP_CONTROL}, which watches the TCP control connection; a UDP-TUN tunnel with {@link #DATAGRAM_CODEC}
 * behind {@link #CLIENT_BYTES}, which frames the datagrams.
 *
 * <p>The {@code socks5} connector's handlers are named by gost-api's {@code HandshakeConnector}
 * ({@code gost-socks5-connector...}).
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
    public static final String CLIENT_BYTES = "socks5-client-bytes";
    public static final String UDP_CONTROL = "socks5-udp-control";
    public static final String DATAGRAM_CODEC = "socks5-datagram-codec";

    private SocksPipelineNames() {
    }

    /**
     * {@code name} when the pipeline has no handler of that name yet, else {@code null} (Netty then makes
     * up a unique one).
     */
    public static String unique(ChannelPipeline pipeline, String name) {
        ChannelHandler existing = pipeline.get(name);
        return existing == null ? name : null;
    }
}
