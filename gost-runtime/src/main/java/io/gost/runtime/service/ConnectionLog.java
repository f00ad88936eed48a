package io.gost.runtime.service;

import io.gost.api.HostPort;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished connection: service, session, client, target, node, bytes, duration, error.
 * Text ({@code key=value}) or JSON with GOST's field names, chosen by {@code -Dgost.log.format=json}.
 *
 * <p>In JSON mode the message is the object's fields without braces: the distribution's Log4j
 * configuration wraps them with {@code time} and {@code level} into one object per line, so a log shipper
 * sees {@code service}, {@code dst}, {@code inputBytes} ... as top-level fields.
 */
public final class ConnectionLog {

    private static final Logger log = LoggerFactory.getLogger("gost.connection");

    private final boolean json;

    public ConnectionLog(boolean json) {
        this.json = json;
    }

    /** Text or JSON as {@code gost.log.format} says. */
    public static ConnectionLog fromSystemProperties() {
        return new ConnectionLog("json".equalsIgnoreCase(System.getProperty("gost.log.format", "text")));
    }

    void closed(Service service, ConnectionContext context) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long durationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - context.startNanos());
        String error = context.error == null ? null
                : context.error.getMessage() == null ? context.error.getClass().getSimpleName() : context.error.getMessage();
        log.info(message(service.name(), context.sessionId(), context.clientAddress(), context.forwardTarget(),
                context.forwardNode(), context.fromClient, context.toClient, durationMillis, error));
    }

    /** The line's message: {@code key=value} text, or JSON fields without braces. Null target, node, error: none. */
    String message(String service, String sessionId, InetSocketAddress client, String target, String node,
                   long fromClient, long toClient, long durationMillis, String error) {
        if (json) {
            StringBuilder line = new StringBuilder(192);
            field(line, "msg", "connection closed", true);
            field(line, "kind", "service", false);
            field(line, "service", service, false);
            field(line, "sid", sessionId, false);
            field(line, "client", hostAndPort(client), false);
            field(line, "dst", target, false);
            field(line, "node", node, false);
            line.append(",\"inputBytes\":").append(fromClient);
            line.append(",\"outputBytes\":").append(toClient);
            field(line, "duration", durationMillis + "ms", false);
            field(line, "error", error, false);
            return line.toString();
        }
        return "service=" + service + " sid=" + sessionId + " client=" + hostAndPort(client)
                + " dst=" + (target == null ? "-" : target) + (node == null ? "" : " node=" + node)
                + " inputBytes=" + fromClient + " outputBytes=" + toClient + " duration=" + durationMillis + "ms"
                + (error == null ? "" : " error=\"" + error + "\"");
    }

    static String hostAndPort(InetSocketAddress address) {
        return HostPort.format(address);
    }

    private static void field(StringBuilder line, String name, String value, boolean first) {
        if (value == null) {
            return;
        }
        if (!first) {
            line.append(',');
        }
        line.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < 0x20) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }
}
