package io.gost.runtime.service;

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
        String target = context.forwardTarget();
        String node = context.forwardNode();
        String error = context.error == null ? null
                : context.error.getMessage() == null ? context.error.getClass().getSimpleName() : context.error.getMessage();
        if (json) {
            StringBuilder line = new StringBuilder(192);
            field(line, "msg", "connection closed", true);
            field(line, "kind", "service", false);
            field(line, "service", service.name(), false);
            field(line, "sid", context.sessionId(), false);
            field(line, "client", hostPort(context), false);
            field(line, "dst", target, false);
            field(line, "node", node, false);
            line.append(",\"inputBytes\":").append(context.fromClient);
            line.append(",\"outputBytes\":").append(context.toClient);
            field(line, "duration", durationMillis + "ms", false);
            field(line, "error", error, false);
            log.info(line.toString());
        } else {
            log.info("service={} sid={} client={} dst={}{} inputBytes={} outputBytes={} duration={}ms{}",
                    service.name(), context.sessionId(), hostPort(context), target == null ? "-" : target,
                    node == null ? "" : " node=" + node, context.fromClient, context.toClient, durationMillis,
                    error == null ? "" : " error=\"" + error + "\"");
        }
    }

    private static String hostPort(ConnectionContext context) {
        return context.clientAddress().getHostString() + ":" + context.clientAddress().getPort();
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
