package io.gost.runtime.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address that swallows connection attempts without an answer, as a firewalled or vanished host
 * does: a listening socket that never accepts, with its accept queue filled. Linux then drops further SYNs
 * (net.ipv4.tcp_abort_on_overflow is 0 by default), so a connect neither succeeds nor is refused until its
 * own timeout.
 */
final class BlackHole implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    BlackHole() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // The kernel queues backlog + 1 connections; fill until a connect times out, which proves the hole.
        for (int attempt = 0; attempt < 16; attempt++) {
            Socket filler = new Socket();
            try {
                filler.connect(server.getLocalSocketAddress(), 300);
                fillers.add(filler);
            } catch (SocketTimeoutException full) {
                filler.close();
                return;
            }
        }
        close();
        throw new IllegalStateException("the accept queue of " + server.getLocalSocketAddress()
                + " never filled up; is net.ipv4.tcp_abort_on_overflow set?");
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    String hostAndPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket filler : fillers) {
            filler.close();
        }
        server.close();
    }
}
