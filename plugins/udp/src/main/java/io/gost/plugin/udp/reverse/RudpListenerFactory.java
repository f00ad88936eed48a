package io.gost.plugin.udp.reverse;

import io.gost.api.Listener;
import io.gost.api.ListenerFactory;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.PluginContext;
import io.gost.plugin.udp.listener.SessionKeys;

/**
 * Creates the listener {@code rudp} (GOST's {@code x/listener/rudp}): the service's UDP port opens on the last
 * hop of the listener's chain (SOCKS5 UDP-TUN bind, relay UDP bind), whose datagrams come back over the one
 * connection to it, sorted into a session per sender; without a chain, a local UDP socket. Sessions always
 * outlive their first reply (GOST's rudp is always keepalive).
 *
 * <p>GOST's keys ({@code x/listener/rudp/metadata.go}): {@code ttl} (5 s), {@code readBufferSize} (GOST 8192;
 * gost-java 65535, so nothing is cut), {@code readQueueSize} (1024), {@code backlog} (128); and gost-java's
 * {@code maxSessions}.
 *
 * <p>ServiceLoader creates this class through its public no-argument constructor.
 */
public final class RudpListenerFactory implements ListenerFactory {

    /** The type name services are configured with. */
    public static final String TYPE = "rudp";

    static final int DEFAULT_READ_QUEUE_SIZE = 1024;
    static final MetadataKey READ_QUEUE_SIZE = SessionKeys.readQueueSize(DEFAULT_READ_QUEUE_SIZE);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "UDP port opened on the last hop of the listener chain (remote forwarding), or locally without one";
    }

    @Override
    public MetadataSchema metadataSchema() {
        return MetadataSchema.of(SessionKeys.TTL, SessionKeys.READ_BUFFER_SIZE, READ_QUEUE_SIZE, SessionKeys.BACKLOG,
                SessionKeys.MAX_SESSIONS);
    }

    @Override
    public boolean opensPortsThroughChain() {
        return true;
    }

    @Override
    public Listener create(Metadata metadata, PluginContext context) {
        return new ReverseListener("udp", SessionKeys.read(metadata, SessionKeys.TTL, SessionKeys.READ_BUFFER_SIZE,
                READ_QUEUE_SIZE, DEFAULT_READ_QUEUE_SIZE, true));
    }
}
