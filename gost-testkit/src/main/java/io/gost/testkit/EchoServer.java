package io.gost.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain blocking echo server on loopback, independent of Netty: it sends back every byte it receives
 * and, when the client half-closes, half-closes too. One platform thread per connection; {@link #close}
 * stops them all.
 */
public final class EchoServer implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final Thread acceptThread;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    private EchoServer(InetAddress address) throws IOException {
        serverSocket = new ServerSocket(0, 50, address);
        acceptThread = new Thread(this::acceptLoop, "echo-accept-" + serverSocket.getLocalPort());
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /** Starts an echo server on an ephemeral port of 127.0.0.1. */
    public static EchoServer start() throws IOException {
        return new EchoServer(InetAddress.getByName("127.0.0.1"));
    }

    /** Starts an echo server on an ephemeral port of {@code address} (a loopback address). */
    public static EchoServer start(InetAddress address) throws IOException {
        return new EchoServer(address);
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    /** How many connections it has accepted so far. */
    public int acceptedConnections() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket connection = serverSocket.accept();
                connections.add(connection);
                Thread echo = new Thread(() -> echo(connection), "echo-" + connection.getPort());
                echo.setDaemon(true);
                threads.add(echo);
                echo.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void echo(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
            }
            connection.shutdownOutput();
        } catch (SocketException e) {
            // reset or closed by the test: nothing to echo any more
        } catch (IOException e) {
            throw new IllegalStateException("echo server failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket connection : connections) {
            connection.close();
        }
        try {
            acceptThread.join(5_000);
            for (Thread thread : threads) {
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
