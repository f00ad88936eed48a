package io.gost.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP echo server bound to one given address (unlike {@link EchoServer}, which is loopback only), that
 * remembers the address of every client it accepted: the client address tells a namespace test from which
 * namespace the connection came (the inside end of a veth or the default-namespace end).
 *
 * <p>Runs in the test JVM, or as a program of its own started inside a namespace with
 * {@code ip netns exec NS java -cp TEST_CLASSES io.gost.distribution.BoundEchoServer ADDRESS PORT}; the
 * program prints {@value #LISTENING} once it accepts and {@value #ACCEPTED} with the client address for each
 * connection, and runs until it is killed.
 */
final class BoundEchoServer implements AutoCloseable {

    /** First line of the program's output, once the socket is bound. */
    static final String LISTENING = "listening on ";

    /** Prefix of one line of the program's output per accepted connection, followed by the client address. */
    static final String ACCEPTED = "accepted from ";

    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<InetAddress> clients = new CopyOnWriteArrayList<>();
    private final PrintStream log;

    /** Listens on {@code address:port} ({@code port} 0 for any free one); {@code log} may be null. */
    BoundEchoServer(InetAddress address, int port, PrintStream log) {
        this.log = log;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address.getHostAddress() + ":" + port, e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "bound-echo-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code java ... BoundEchoServer ADDRESS PORT}: echoes until killed. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: BoundEchoServer ADDRESS PORT");
            System.exit(2);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(args[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BoundEchoServer echo = new BoundEchoServer(address, Integer.parseInt(args[1]), System.out);
        System.out.println(LISTENING + args[0] + ":" + echo.port());
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }

    int port() {
        return server.getLocalPort();
    }

    /** The addresses of the clients accepted so far, in order. */
    List<InetAddress> clients() {
        return List.copyOf(clients);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                connections.add(connection);
                clients.add(connection.getInetAddress());
                if (log != null) {
                    log.println(ACCEPTED + connection.getInetAddress().getHostAddress());
                    log.flush();
                }
                Thread echo = new Thread(() -> echo(connection), "bound-echo-" + connection.getPort());
                echo.setDaemon(true);
                echo.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void echo(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            in.transferTo(out);
            connection.shutdownOutput();
        } catch (IOException peerGone) {
            // The client reset or the test is over; the client itself checks what came back.
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
