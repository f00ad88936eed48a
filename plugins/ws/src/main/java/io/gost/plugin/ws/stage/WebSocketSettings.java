package io.gost.plugin.ws.stage;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one side of a WebSocket transport behaves, as GOST's {@code ws}/{@code wss} keys set it.
 *
 * @param path              the request path (exact match on the server), such as {@code /ws}
 * @param host              client: the {@code Host} header, or {@code null} for the node's {@code host:port}
 * @param headers           server: added to the 101 response; client: added to the request
 * @param handshakeTimeout  how long the upgrade may take; zero for no limit of its own
 * @param pingInterval      client: a ping every interval, and the connection ends when nothing (not even a
 *                          pong) came back for twice that; zero for no pings (GOST's {@code ws.keepalive}
 *                          off)
 * @param readBufferSize    the most bytes one socket read takes; zero for the transport's default
 * @param writeMessageSize  the largest message written (larger writes are split); zero for one message per write
 * @param compression       permessage-deflate offered (client) or accepted (server)
 * @param maxMessageSize    the largest message read (a larger one ends the connection with status 1009)
 */
public record WebSocketSettings(String path, String host, Map<String, List<String>> headers, Duration handshakeTimeout,
                                Duration pingInterval, int readBufferSize, int writeMessageSize, boolean compression,
                                int maxMessageSize) {

    /** GOST's path when none is configured. */
    public static final String DEFAULT_PATH = "/ws";

    /** The largest message read when nothing else is said: 1 MiB, as Python's websockets and others allow. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;

    public WebSocketSettings {
        path = path == null || path.isBlank() ? DEFAULT_PATH : path.trim();
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a WebSocket path starts with '/', got '" + path + "'");
        }
        host = host == null || host.isBlank() ? null : host.trim();
        headers = Map.copyOf(Objects.requireNonNullElse(headers, Map.of()));
        handshakeTimeout = Objects.requireNonNullElse(handshakeTimeout, Duration.ZERO);
        pingInterval = Objects.requireNonNullElse(pingInterval, Duration.ZERO);
        if (maxMessageSize <= 0) {
            maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        }
    }

    /** GOST's defaults: path {@code /ws}, no extra headers, no pings, no compression. */
    public static WebSocketSettings defaults() {
        return new WebSocketSettings(DEFAULT_PATH, null, Map.of(), Duration.ZERO, Duration.ZERO, 0, 0, false, 0);
    }

    /** The path without its query, which is what a server matches. */
    public String pathWithoutQuery() {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }
}
