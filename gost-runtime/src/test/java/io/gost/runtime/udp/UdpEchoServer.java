package io.gost.runtime.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends every datagram it receives back to its sender, empty ones too. Blocking, on one daemon thread, on
 * 127.0.0.1 (or a given address). Remembers the addresses it heard from, so a test can tell sessions apart.
 */
final class UdpEchoServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;
    private final Set<SocketAddress> senders = ConcurrentHashMap.newKeySet();

    UdpEchoServer() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    UdpEchoServer(InetSocketAddress bind) throws IOException {
        socket = new DatagramSocket(bind);
        thread = new Thread(this::echoLoop, "udp-echo-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Every address a datagram came from. */
    Set<SocketAddress> senders() {
        return senders;
    }

    private void echoLoop() {
        byte[] buffer = new byte[65_536];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                senders.add(packet.getSocketAddress());
                socket.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(),
                        packet.getSocketAddress()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
