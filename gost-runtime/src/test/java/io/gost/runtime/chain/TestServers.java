package io.gost.runtime.chain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Small blocking servers on 127.0.0.1 for router tests. */
final class TestServers {

    private TestServers() {
    }

    /** A loopback port nobody listens on: connecting to it is refused. */
    static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Accepts connections on 127.0.0.1 and serves each on its own thread. */
    abstract static class Server implements AutoCloseable {

        final ServerSocket serverSocket;
        final ExecutorService threads = Executors.newCachedThreadPool();
        final List<Socket> accepted = new CopyOnWriteArrayList<>();

        Server() throws IOException {
            serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            threads.execute(() -> {
                while (!serverSocket.isClosed()) {
                    try {
                        Socket socket = serverSocket.accept();
                        accepted.add(socket);
                        threads.execute(() -> {
                            try (socket) {
                                serve(socket);
                            } catch (IOException ignored) {
                                // the test closed the server or the peer went away
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        abstract void serve(Socket socket) throws IOException;

        int port() {
            return serverSocket.getLocalPort();
        }

        /** {@code 127.0.0.1:port}, unresolved, as configured addresses are. */
        InetSocketAddress address() {
            return InetSocketAddress.createUnresolved("127.0.0.1", port());
        }

        String addressText() {
            return "127.0.0.1:" + port();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            serverSocket.close();
            for (Socket socket : accepted) {
                socket.close();
            }
            threads.shutdownNow();
            threads.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Sends back what it receives. */
    static final class Echo extends Server {

        Echo() throws IOException {
        }

        @Override
        void serve(Socket socket) throws IOException {
            socket.getInputStream().transferTo(socket.getOutputStream());
        }
    }

    /**
     * A toy proxy for the test connector: reads {@code CONNECT host:port\n}, answers {@code OK\n} and pipes
     * bytes to that address, or answers {@code NO forbidden\n} and closes when told to reject.
     */
    static final class LineProxy extends Server {

        final List<String> requests = new CopyOnWriteArrayList<>();
        volatile boolean reject;

        LineProxy() throws IOException {
        }

        @Override
        void serve(Socket socket) throws IOException {
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII), 1);
            String request = reader.readLine();
            requests.add(request);
            OutputStream out = socket.getOutputStream();
            if (reject || request == null || !request.startsWith("CONNECT ")) {
                out.write("NO forbidden\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String target = request.substring("CONNECT ".length());
            int colon = target.lastIndexOf(':');
            try (Socket next = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))) {
                out.write("OK\n".getBytes(StandardCharsets.US_ASCII));
                threads.execute(() -> pipe(next, socket));
                pipe(socket, next);
            }
        }

        private static void pipe(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                in.transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException ignored) {
                // one side went away; the other pipe ends too
            }
        }
    }
}
