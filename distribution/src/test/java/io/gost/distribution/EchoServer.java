package io.gost.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP server on 127.0.0.1 that sends back every byte it receives, and half-closes its side when the
 * client half-closes. One thread per connection: it serves a handful of test connections.
 */
final class EchoServer implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

    EchoServer() {
        this(InetAddress.getLoopbackAddress());
    }

    /** On {@code address} (e.g. ::1), an ephemeral port. */
    EchoServer(InetAddress address) {
        try {
            server = new ServerSocket(0, 50, address);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "echo-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                connections.add(connection);
                Thread echo = new Thread(() -> echo(connection), "echo-" + connection.getPort());
                echo.setDaemon(true);
                echo.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void echo(Socket connection) {
        try (connection; InputStream in = connection.getInputStream();
             OutputStream out = connection.getOutputStream()) {
            in.transferTo(out);
            connection.shutdownOutput();
        } catch (IOException peerGone) {
            // The client reset or the test is over; the test itself checks what came back.
        } finally {
            connections.remove(connection);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket connection : connections) {
            connection.close();
        }
    }
}
