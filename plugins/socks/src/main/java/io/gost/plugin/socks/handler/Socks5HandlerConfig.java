package io.gost.plugin.socks.handler;

import io.gost.api.Authenticator;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.socks.v5.NoTls;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code socks5} handler's options, read once from its metadata (GOST's keys):
 *
 * <ul>
 *   <li>{@code readTimeout} (alias {@code handshakeTimeout}): how long the client may take from accept to a
 *       complete command request, and how long a BIND waits for the peer; default 15 s, as GOST; zero or
 *       negative means the default;</li>
 *   <li>{@code udp}: allow UDP ASSOCIATE (default false, as GOST: refused with 0x02);</li>
 *   <li>{@code bind}: allow BIND (default false, as GOST: refused with 0x02);</li>
 *   <li>{@code udpBufferSize} (alias {@code udp.bufferSize}): the largest datagram the UDP relay receives,
 *       512..65536 bytes. Default 65536,
 *       so no datagram is cut short (GOST defaults to 4096 and truncates longer datagrams);</li>
 *   <li>{@code socks.publicAddr} (alias {@code publicAddr}): the host announced in the first reply of BIND and
 *       MBIND instead of the local address of the control connection (for a server behind NAT), and in the reply
 *       of UDP ASSOCIATE when it is an IP address, as GOST does.</li>
 * </ul>
 *
 * @param authenticator present when clients must authenticate with username/password
 * @param publicAddr    the host to announce, or empty
 */
public record Socks5HandlerConfig(Duration handshakeTimeout, boolean udpEnabled, boolean bindEnabled,
                                  int udpBufferSize, Optional<Authenticator> authenticator, String publicAddr) {

    /** GOST's default read timeout for the SOCKS5 handshake. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);
    /** Large enough for any UDP datagram. */
    public static final int MAX_UDP_BUFFER_SIZE = 64 * 1024;
    public static final int MIN_UDP_BUFFER_SIZE = 512;

    public Socks5HandlerConfig {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(authenticator, "authenticator");
        publicAddr = Objects.requireNonNullElse(publicAddr, "").trim();
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, got " + handshakeTimeout);
        }
        if (udpBufferSize < MIN_UDP_BUFFER_SIZE || udpBufferSize > MAX_UDP_BUFFER_SIZE) {
            throw new IllegalArgumentException("udpBufferSize must be within " + MIN_UDP_BUFFER_SIZE + ".."
                    + MAX_UDP_BUFFER_SIZE + ", got " + udpBufferSize);
        }
    }

    /** GOST's {@code socks.publicAddr}. */
    public static final MetadataKey PUBLIC_ADDR = MetadataKey.string("socks.publicAddr", "", "host announced in the"
            + " replies of BIND, MBIND (and UDP ASSOCIATE, when it is an IP address) instead of the local address")
            .alias("publicAddr");

    /** The keys {@link #from} reads, for the factories' {@code metadataSchema()}. */
    public static final MetadataSchema SCHEMA = MetadataSchema.of(
            MetadataKey.duration("readTimeout", "15s", "how long a client may take from accept to a complete"
                    + " request, and a BIND to its peer").alias("handshakeTimeout"),
            MetadataKey.bool("udp", false, "allow UDP ASSOCIATE (refused with 0x02 otherwise)"),
            MetadataKey.bool("bind", false, "allow BIND (refused with 0x02 otherwise)"),
            MetadataKey.integer("udpBufferSize", "65536", "the largest datagram the UDP relay receives, 512..65536"
                    + " bytes (GOST: 4096)").alias("udp.bufferSize"),
            PUBLIC_ADDR,
            NoTls.KEY);

    /**
     * Reads the options from {@code metadata} and the authenticator from {@code context}.
     *
     * @throws InvalidMetadataException naming the key when a value cannot be read
     */
    public static Socks5HandlerConfig from(Metadata metadata, PluginContext context) {
        NoTls.check(metadata);
        Duration timeout = DEFAULT_HANDSHAKE_TIMEOUT;
        for (String key : new String[] {"readTimeout", "handshakeTimeout"}) {
            if (metadata.contains(key)) {
                timeout = metadata.getDuration(key, DEFAULT_HANDSHAKE_TIMEOUT);
                break;
            }
        }
        if (timeout.isNegative() || timeout.isZero()) {
            timeout = DEFAULT_HANDSHAKE_TIMEOUT; // GOST: a non-positive readTimeout means the default
        }
        // GOST reads udp.bufferSize first, then udpBufferSize.
        int udpBufferSize = metadata.getInt(metadata.contains("udp.bufferSize") ? "udp.bufferSize" : "udpBufferSize",
                MAX_UDP_BUFFER_SIZE);
        if (udpBufferSize <= 0) {
            udpBufferSize = MAX_UDP_BUFFER_SIZE;
        }
        // GOST clamps rather than rejects.
        udpBufferSize = Math.max(MIN_UDP_BUFFER_SIZE, Math.min(MAX_UDP_BUFFER_SIZE, udpBufferSize));
        return new Socks5HandlerConfig(timeout, metadata.getBoolean("udp", false), metadata.getBoolean("bind", false),
                udpBufferSize, context.authenticator(), metadata.getString(PUBLIC_ADDR.spellingIn(metadata), ""));
    }

    /** What a BIND or MBIND reply names for {@code bound}: the public address with its port, when one is set. */
    public InetSocketAddress announced(InetSocketAddress bound) {
        if (publicAddr.isEmpty()) {
            return bound;
        }
        String host = publicAddr.startsWith("[") && publicAddr.endsWith("]")
                ? publicAddr.substring(1, publicAddr.length() - 1) : publicAddr;
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)
                ? new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), bound.getPort())
                : InetSocketAddress.createUnresolved(host, bound.getPort());
    }

    /** What a UDP ASSOCIATE reply names for {@code bound}: the public address only when it is an IP (as GOST). */
    public InetSocketAddress announcedForUdp(InetSocketAddress bound) {
        InetSocketAddress announced = announced(bound);
        return announced.isUnresolved() ? bound : announced;
    }
}
