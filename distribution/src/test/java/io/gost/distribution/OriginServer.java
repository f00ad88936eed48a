package io.gost.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The web server behind the proxy, on 127.0.0.1 and a port of the kernel's choice.
 * <ul>
 *   <li>{@code GET /hello} answers {@value #HELLO}</li>
 *   <li>{@code POST /sha256} answers the SHA-256 (hex) of the request body, a space, and its length</li>
 *   <li>{@code GET /bytes/N} answers N bytes (for timing downloads)</li>
 * </ul>
 */
final class OriginServer implements AutoCloseable {

    static final String HELLO = "hello from origin\n";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    OriginServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hello", exchange -> respond(exchange, 200, HELLO));
        server.createContext("/sha256", OriginServer::digestBody);
        server.createContext("/bytes/", OriginServer::bytes);
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port/path}. */
    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void digestBody(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "POST only\n");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        respond(exchange, 200, sha256(body) + " " + body.length);
    }

    private static void bytes(HttpExchange exchange) throws IOException {
        int count = Integer.parseInt(exchange.getRequestURI().getPath().substring("/bytes/".length()));
        exchange.sendResponseHeaders(200, count);
        try (OutputStream out = exchange.getResponseBody()) {
            byte[] chunk = new byte[16 * 1024];
            for (int left = count; left > 0; left -= chunk.length) {
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
