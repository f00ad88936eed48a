package io.gost.plugin.socks.handler;

import io.netty.channel.Channel;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends datagrams without payload, which Netty's datagram channels do not: they complete a write of no
 * bytes without a system call (both the epoll and the NIO transport), so an empty datagram would be
 * dropped without a trace. It is a datagram all the same (RFC 768), and applications send empty ones
 * as keep-alives and probes. So the relay sends it on the channel's own socket, past Netty's write path:
 * the native socket of an epoll (or other Unix) channel, or the JDK channel of a NIO one. Call it on the
 * channel's event loop, like a write.
 */
final class EmptyDatagrams {

    /** No bytes, at an address the native call can take (it wants a direct buffer). */
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocateDirect(1);

    private EmptyDatagrams() {
    }

    /**
     * Sends an empty datagram from {@code channel}'s socket to {@code target} (resolved).
     *
     * @throws IOException as the system call reports it
     * @throws UnsupportedOperationException for a channel whose socket this cannot reach
     */
    static void send(Channel channel, InetSocketAddress target) throws IOException {
        if (channel instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            socket.sendTo(NO_BYTES, 0, 0, target.getAddress(), target.getPort());
        } else if (channel.unsafe() instanceof AbstractNioChannel.NioUnsafe nio && nio.ch() instanceof DatagramChannel jdk) {
            jdk.send(ByteBuffer.allocate(0), target);
        } else {
            throw new UnsupportedOperationException("cannot send an empty datagram on a " + channel.getClass().getName());
        }
    }
}
