package io.gost.plugin.socks.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny blocking HTTP/1.1 origin on 127.0.0.1: answers every request with 200 and a fixed body, then
 * closes the connection. It records each request's head. Independent of Netty and of the JDK's
 * {@code jdk.httpserver} module (which the plugin's module would have to read).
 */
public final class HttpOrigin implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final String body;
    private final Thread acceptThread;
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();

    public HttpOrigin(String body) throws IOException {
        this.body = body;
        serverSocket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptThread = new Thread(this::acceptLoop, "http-origin-" + serverSocket.getLocalPort());
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public String url() {
        return "http://127.0.0.1:" + serverSocket.getLocalPort() + "/";
    }

    /** The request heads (request line and headers) received so far. */
    public List<String> requestHeads() {
        return List.copyOf(requestHeads);
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try (Socket connection = serverSocket.accept()) {
                serve(connection);
            } catch (IOException e) {
                // closed, or a client that went away: serve the next one
            }
        }
    }

    private void serve(Socket connection) throws IOException {
        connection.setSoTimeout(10_000);
        InputStream in = connection.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int next = in.read();
            if (next < 0) {
                return;
            }
            head.write(next);
            matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
        }
        requestHeads.add(head.toString(StandardCharsets.ISO_8859_1));
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = connection.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + content.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(content);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        try {
            acceptThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
