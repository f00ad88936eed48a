package io.gost.runtime.control;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of the Redis protocol (RESP2) to read a control object's entries: {@code AUTH}, {@code SELECT},
 * {@code SMEMBERS}, {@code LRANGE} and {@code HGETALL} (and any other command, for quotas' {@code HGET} and
 * {@code HSET}), one short blocking connection per load on the control
 * thread (never an event loop). A Redis client library would bring a connection pool and reactive streams
 * for what is five commands a minute.
 */
public final class RedisClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RedisClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects, authenticates and selects {@code db}.
     *
     * @param address  {@code host:port} ({@code :port} is the local host, as in GOST)
     * @param timeout  for the connect and every answer
     * @param username for ACL users (Redis 6), or {@code null}
     * @param password or {@code null}
     */
    public static RedisClient connect(String address, Duration timeout, String username, String password, int db)
            throws IOException {
        InetSocketAddress target = parseAddress(address);
        Socket socket = new Socket();
        try {
            socket.connect(target, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            RedisClient client = new RedisClient(socket);
            if (password != null) {
                if (username != null) {
                    client.command("AUTH", username, password);
                } else {
                    client.command("AUTH", password);
                }
            }
            if (db != 0) {
                client.command("SELECT", Integer.toString(db));
            }
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public static InetSocketAddress parseAddress(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        int port = 6379;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("redis addr '" + address + "' has no port number");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
    }

    /** The members of a set. */
    List<String> members(String key) throws IOException {
        return strings(command("SMEMBERS", key), "SMEMBERS " + key);
    }

    /** The items of a list. */
    List<String> range(String key) throws IOException {
        return strings(command("LRANGE", key, "0", "-1"), "LRANGE " + key);
    }

    /** A hash as alternating fields and values. */
    List<String> hash(String key) throws IOException {
        return strings(command("HGETALL", key), "HGETALL " + key);
    }

    private static List<String> strings(Object reply, String command) throws IOException {
        if (!(reply instanceof List<?> items)) {
            throw new IOException(command + ": expected a list, got " + reply);
        }
        List<String> result = new ArrayList<>(items.size());
        for (Object item : items) {
            result.add(item == null ? "" : String.valueOf(item));
        }
        return result;
    }

    /** Sends one command and reads its reply; an error reply is thrown as an {@link IOException}. */
    public Object command(String... words) throws IOException {
        StringBuilder request = new StringBuilder().append('*').append(words.length).append("\r\n");
        for (String word : words) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            request.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply(words[0]);
    }

    private Object reply(String command) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("redis closed the connection");
        }
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IOException("redis answered " + command + " with: " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> bulk(Integer.parseInt(line));
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(reply(command));
                }
                yield items;
            }
            default -> throw new IOException("not a redis reply: '" + (char) type + line + "'");
        };
    }

    private String bulk(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("redis closed the connection in the middle of a reply");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("redis closed the connection in the middle of a reply");
            }
            line.append((char) c);
        }
        if (in.read() != '\n') {
            throw new IOException("a redis reply line does not end with CRLF");
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
