package io.gost.plugin.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP origin on 127.0.0.1 that answers one request with a response head and a body without length (no
 * Content-Length, not chunked: the body ends with the connection), then ends the connection either cleanly
 * (FIN) or with a reset (SO_LINGER 0, as an origin that crashes or is killed does).
 */
public final class ScriptedOrigin implements AutoCloseable {

    private final ServerSocket server;
    private final CompletableFuture<Void> served = new CompletableFuture<>();

    /**
     * @param body  the body bytes sent before the connection ends
     * @param reset true to end with a reset, false to end with a clean close
     */
    public ScriptedOrigin(String body, boolean reset) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> serveOne(body, reset), "scripted-origin");
        thread.setDaemon(true);
        thread.start();
    }

    private void serveOne(String body, boolean reset) {
        try (Socket connection = server.accept()) {
            readHead(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (reset) {
                connection.setSoLinger(true, 0);
            }
            served.complete(null);
        } catch (IOException e) {
            served.completeExceptionally(e);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the request ended before its head was complete");
            }
            head.write(next);
        }
    }

    /** {@code http://127.0.0.1:PORT/PATH}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** Waits until the response was sent and the connection ended, and rethrows the origin's failure. */
    public void awaitServed() throws InterruptedException, ExecutionException, TimeoutException {
        served.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
