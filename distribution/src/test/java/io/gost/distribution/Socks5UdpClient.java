package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A SOCKS5 client of UDP ASSOCIATE (RFC 1928 §7) on 127.0.0.1, without authentication: the control
 * connection, and a datagram socket that sends through the relay the reply announced.
 */
final class Socks5UdpClient implements AutoCloseable {

    private final Socket control;
    private final DatagramSocket udp;
    private final InetSocketAddress relay;

    /** Greets the proxy on 127.0.0.1:{@code proxyPort} and asks it to associate. */
    Socks5UdpClient(int proxyPort) throws IOException {
        control = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
        control.setSoTimeout(10_000);
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(control.getInputStream());
        control.getOutputStream().write(new byte[] {0x05, 0x01, 0x00});
        assertThat(in.readNBytes(2)).as("method selection").containsExactly(0x05, 0x00);
        control.getOutputStream().write(new byte[] {0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, 0, 0});
        byte[] reply = in.readNBytes(10);
        assertThat(reply).as("UDP ASSOCIATE reply").hasSize(10);
        assertThat(reply[1]).as("reply code").isZero();
        relay = new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(reply, 4, 8)),
                ((reply[8] & 0xFF) << 8) | (reply[9] & 0xFF));
    }

    /** The RFC 1928 UDP request header naming an IPv4 {@code target}. */
    static byte[] header(InetSocketAddress target) {
        return ByteBuffer.allocate(10).put(new byte[] {0, 0, 0, 0x01}).put(target.getAddress().getAddress())
                .putShort((short) target.getPort()).array();
    }

    /** Sends {@code payload} for {@code target} through the relay. */
    void send(InetSocketAddress target, byte[] payload) throws IOException {
        byte[] header = header(target);
        byte[] datagram = Arrays.copyOf(header, header.length + payload.length);
        System.arraycopy(payload, 0, datagram, header.length, payload.length);
        udp.send(new DatagramPacket(datagram, datagram.length, relay));
    }

    /** The next datagram from the relay, header and all. */
    byte[] receive() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        udp.receive(packet);
        assertThat(packet.getSocketAddress()).as("sent from the announced relay address").isEqualTo(relay);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    @Override
    public void close() throws IOException {
        udp.close();
        control.close();
    }
}
