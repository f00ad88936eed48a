package io.gost.plugin.udp.listener;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.datagram.DatagramSessions;
import java.time.Duration;

/**
 * The metadata keys of GOST's datagram listeners ({@code udp}, {@code rudp}) and how they become the bounds of
 * the sessions ({@link DatagramSessions.Options}). As in GOST, a value of 0 or less means the default.
 */
public final class SessionKeys {

    /** Sessions open at once when {@code maxSessions} is not set (gost-java's own key; GOST has no limit). */
    public static final int DEFAULT_MAX_SESSIONS = 4096;
    /** Any UDP datagram fits (GOST's udp listener reads 4096 bytes and cuts the rest, rudp 8192). */
    public static final int DEFAULT_READ_BUFFER_SIZE = DatagramSessions.Options.MAX_DATAGRAM;
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
    public static final int DEFAULT_BACKLOG = 128;

    public static final MetadataKey TTL = MetadataKey.duration("ttl", "5s", "close a session after this long"
            + " without traffic either way (a sweep every ttl: between ttl and twice that)");
    public static final MetadataKey READ_BUFFER_SIZE = MetadataKey.integer("readBufferSize",
            Integer.toString(DEFAULT_READ_BUFFER_SIZE), "the longest datagram read, up to 65535; longer ones are"
                    + " cut (GOST: 4096, rudp 8192)");
    public static final MetadataKey BACKLOG = MetadataKey.integer("backlog", Integer.toString(DEFAULT_BACKLOG),
            "new sessions waiting for their target; datagrams from further new clients are dropped");
    public static final MetadataKey MAX_SESSIONS = MetadataKey.integer("maxSessions",
            Integer.toString(DEFAULT_MAX_SESSIONS), "sessions open at once; datagrams from further new clients are"
                    + " dropped (gost-java)");

    private SessionKeys() {
    }

    /** {@code readQueueSize} with its default, for a listener. */
    public static MetadataKey readQueueSize(int defaultValue) {
        return MetadataKey.integer("readQueueSize", Integer.toString(defaultValue), "datagrams waiting in one"
                + " session; more are dropped");
    }

    /**
     * Reads the bounds from {@code metadata}.
     *
     * @param readQueueSize     the {@code readQueueSize} key as the listener declares it (name, aliases, default)
     * @param defaultQueueSize  its default
     * @param keepalive         whether sessions outlive their first reply
     * @throws InvalidMetadataException naming the key as written when a value cannot be read
     */
    public static DatagramSessions.Options read(Metadata metadata, MetadataKey ttlKey, MetadataKey readBufferSizeKey,
                                                MetadataKey readQueueSize, int defaultQueueSize, boolean keepalive) {
        Duration ttl = metadata.getDuration(ttlKey.spellingIn(metadata), DEFAULT_TTL);
        if (ttl.isZero() || ttl.isNegative()) {
            ttl = DEFAULT_TTL;
        }
        int readBufferSize = positive(metadata, readBufferSizeKey, DEFAULT_READ_BUFFER_SIZE);
        // A larger buffer changes nothing: no datagram is longer.
        readBufferSize = Math.min(readBufferSize, DatagramSessions.Options.MAX_DATAGRAM);
        int queue = positive(metadata, readQueueSize, defaultQueueSize);
        int backlog = positive(metadata, BACKLOG, DEFAULT_BACKLOG);
        int maxSessions = positive(metadata, MAX_SESSIONS, DEFAULT_MAX_SESSIONS);
        return new DatagramSessions.Options(ttl, readBufferSize, queue, backlog, maxSessions, keepalive);
    }

    private static int positive(Metadata metadata, MetadataKey key, int defaultValue) {
        int value = metadata.getInt(key.spellingIn(metadata), defaultValue);
        return value <= 0 ? defaultValue : value;
    }
}
