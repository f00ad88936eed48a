package io.gost.plugin.udp.listener;

import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.api.datagram.DatagramSessions;

/**
 * Creates {@link UdpListener}s, GOST's listener type {@code udp} ({@code x/listener/udp}): one UDP socket, one
 * session per client address.
 *
 * <p>GOST's keys, read as GOST reads them ({@code x/listener/udp/metadata.go}), with two deliberate differences:
 * <ul>
 *   <li>{@code keepalive} defaults to true: GOST closes a session right after its first reply to the client (one
 *       request, one response), which breaks every protocol with more than one answer (WireGuard, games, voice,
 *       QUIC: go-gost/gost#56, #166, #212, #219, #463). {@code keepalive: false} gives GOST's behaviour;</li>
 *   <li>{@code readBufferSize} defaults to 65535, so no datagram is cut (GOST: 4096).</li>
 * </ul>
 * And one of gost-java's own: {@code maxSessions} (default {@value SessionKeys#DEFAULT_MAX_SESSIONS}).
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class UdpListenerFactory implements ListenerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "udp";

    static final MetadataKey KEEPALIVE = MetadataKey.bool("keepalive", true, "keep a session after its first reply"
            + " (GOST: false, one request and one response per session)");
    static final MetadataKey TTL = SessionKeys.TTL.alias("keepalive.ttl");
    static final MetadataKey READ_BUFFER_SIZE = SessionKeys.READ_BUFFER_SIZE.alias("udp.bufferSize");
    static final int DEFAULT_READ_QUEUE_SIZE = 128;
    static final MetadataKey READ_QUEUE_SIZE = SessionKeys.readQueueSize(DEFAULT_READ_QUEUE_SIZE).alias("recvQueueSize");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "UDP socket; each client address becomes a session, as GOST's udp listener";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(KEEPALIVE, TTL, READ_BUFFER_SIZE, READ_QUEUE_SIZE, SessionKeys.BACKLOG,
                SessionKeys.MAX_SESSIONS);
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        boolean keepalive = metadata.getBoolean(KEEPALIVE.spellingIn(metadata), true);
        DatagramSessions.Options options = SessionKeys.read(metadata, TTL, READ_BUFFER_SIZE, READ_QUEUE_SIZE,
                DEFAULT_READ_QUEUE_SIZE, keepalive);
        return new UdpListener(context.ownerName(), options);
    }
}
