package io.gost.plugin.ws;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.plugin.ws.stage.WebSocketSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GOST's keys of the {@code ws} and {@code wss} listeners and dialers (each also as {@code ws.<key>}, which
 * GOST tries first), and how they become {@link WebSocketSettings}.
 */
public final class WsKeys {

    public static final MetadataKey PATH = MetadataKey.string("ws.path", WebSocketSettings.DEFAULT_PATH,
            "the HTTP path of the WebSocket endpoint").alias("path");
    public static final MetadataKey HOST = MetadataKey.string("ws.host", "",
            "the Host header (default: the node's address with its port)").alias("host");
    public static final MetadataKey HEADER = MetadataKey.map("ws.header",
            "headers added to the request (dialer) or the 101 response (listener)").alias("header");
    public static final MetadataKey LISTENER_HANDSHAKE_TIMEOUT = MetadataKey.duration("ws.handshakeTimeout", "15s",
            "how long a client may take over the upgrade (and the TLS handshake, for wss)").alias("handshakeTimeout");
    public static final MetadataKey DIALER_HANDSHAKE_TIMEOUT = MetadataKey.duration("ws.handshakeTimeout", "",
            "how long the server may take over the upgrade and TLS handshake (default: the dial timeout bounds"
                    + " them)").alias("handshakeTimeout");
    public static final MetadataKey READ_HEADER_TIMEOUT = MetadataKey.duration("ws.readHeaderTimeout", "",
            "how long the upgrade's HTTP head may take, when shorter than handshakeTimeout")
            .alias("readHeaderTimeout");
    public static final MetadataKey READ_BUFFER_SIZE = MetadataKey.integer("ws.readBufferSize", "0",
            "the most bytes one socket read takes (0: 128 KiB, as tcp)").alias("readBufferSize");
    public static final MetadataKey WRITE_BUFFER_SIZE = MetadataKey.integer("ws.writeBufferSize", "0",
            "the largest message written, larger writes are split (0: one message per write)")
            .alias("writeBufferSize");
    public static final MetadataKey COMPRESSION = MetadataKey.bool("ws.enableCompression", false,
            "permessage-deflate").alias("enableCompression");
    public static final MetadataKey BACKLOG = MetadataKey.integer("ws.backlog", "4096",
            "accept queue length (the kernel caps it at net.core.somaxconn)").alias("backlog");
    public static final MetadataKey LISTENER_KEEPALIVE = MetadataKey.bool("keepalive", true,
            "SO_KEEPALIVE on accepted connections");
    public static final MetadataKey WS_KEEPALIVE = MetadataKey.bool("ws.keepalive", false,
            "send WebSocket pings every ttl, and give up on a peer silent for twice that").alias("keepalive");
    public static final MetadataKey PING_INTERVAL = MetadataKey.duration("ttl", "15s",
            "the ping interval when ws.keepalive is on").alias("keepalive.interval");
    public static final MetadataKey TCP_KEEPALIVE = MetadataKey.bool("tcp.keepalive", true,
            "SO_KEEPALIVE on the connection");

    private WsKeys() {
    }

    /** What the ws and wss listeners read. */
    public static MetadataSchema listenerSchema() {
        return MetadataSchema.of(PATH, HEADER, LISTENER_HANDSHAKE_TIMEOUT, READ_HEADER_TIMEOUT, READ_BUFFER_SIZE,
                WRITE_BUFFER_SIZE, COMPRESSION, BACKLOG, LISTENER_KEEPALIVE);
    }

    /** What the ws and wss dialers read. */
    public static MetadataSchema dialerSchema() {
        return MetadataSchema.of(PATH, HOST, HEADER, DIALER_HANDSHAKE_TIMEOUT, READ_HEADER_TIMEOUT, READ_BUFFER_SIZE,
                WRITE_BUFFER_SIZE, COMPRESSION, WS_KEEPALIVE, PING_INTERVAL, TCP_KEEPALIVE);
    }

    /** A listener's settings. */
    public static WebSocketSettings listenerSettings(Metadata metadata) {
        return settings(metadata, LISTENER_HANDSHAKE_TIMEOUT, false);
    }

    /** A dialer's settings. */
    public static WebSocketSettings dialerSettings(Metadata metadata) {
        return settings(metadata, DIALER_HANDSHAKE_TIMEOUT, true);
    }

    private static WebSocketSettings settings(Metadata metadata, MetadataKey handshakeKey, boolean dialer) {
        String path = metadata.getString(PATH.spellingIn(metadata), WebSocketSettings.DEFAULT_PATH).trim();
        if (!path.startsWith("/")) {
            throw new InvalidMetadataException(PATH.spellingIn(metadata), path, "expected a path starting with '/'");
        }
        Duration handshake = duration(metadata, handshakeKey);
        Duration readHeader = duration(metadata, READ_HEADER_TIMEOUT);
        if (!readHeader.isZero() && (handshake.isZero() || readHeader.compareTo(handshake) < 0)) {
            handshake = readHeader;
        }
        Duration ping = Duration.ZERO;
        if (dialer && metadata.getBoolean(WS_KEEPALIVE.spellingIn(metadata), false)) {
            ping = duration(metadata, PING_INTERVAL);
            if (ping.isZero()) {
                throw new InvalidMetadataException(PING_INTERVAL.spellingIn(metadata),
                        metadata.value(PING_INTERVAL.spellingIn(metadata)).orElse(""),
                        "expected a positive ping interval such as 15s");
            }
        }
        return new WebSocketSettings(path, dialer ? metadata.getString(HOST.spellingIn(metadata), "") : null,
                headers(metadata), handshake, ping, size(metadata, READ_BUFFER_SIZE), size(metadata, WRITE_BUFFER_SIZE),
                metadata.getBoolean(COMPRESSION.spellingIn(metadata), false), 0);
    }

    /** The key's duration; absent, empty default, zero or negative mean none (zero). */
    private static Duration duration(Metadata metadata, MetadataKey key) {
        String spelling = key.spellingIn(metadata);
        Duration fallback = key.defaultValue().isEmpty() ? Duration.ZERO
                : Metadata.parseDuration(key.name(), key.defaultValue());
        Duration value = metadata.getDuration(spelling, fallback);
        return value.isNegative() ? Duration.ZERO : value;
    }

    private static int size(Metadata metadata, MetadataKey key) {
        String spelling = key.spellingIn(metadata);
        int value = metadata.getInt(spelling, 0);
        if (value < 0) {
            throw new InvalidMetadataException(spelling, value, "expected a size in bytes, 0 or more");
        }
        return value;
    }

    private static Map<String, List<String>> headers(Metadata metadata) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Map<String, Object> written = new LinkedHashMap<>();
        // Either spelling, as a map or as dotted keys (header.X-Foo), which spellingIn does not see.
        for (String spelling : HEADER.spellings()) {
            written.putAll(metadata.getMap(spelling));
        }
        written.forEach((name, value) -> {
            List<String> values = new ArrayList<>();
            if (value instanceof List<?> list) {
                list.forEach(item -> values.add(String.valueOf(item)));
            } else {
                values.add(String.valueOf(value));
            }
            headers.put(name, values);
        });
        return headers;
    }
}
