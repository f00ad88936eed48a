package io.gost.api.datagram;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends datagrams without payload, which Netty's datagram channels do not: they complete a write of no bytes
 * without a system call (both the epoll and the NIO transport), so an empty datagram would be dropped without a
 * trace. It is a datagram all the same (RFC 768), and applications send empty ones as keep-alives and probes. So
 * it is sent on the channel's own socket, past Netty's write path: the native socket of an epoll (or other Unix)
 * channel, or the JDK channel of a NIO one.
 */
public final class EmptyDatagrams {

    /**
     * An outbound handler for UDP sockets that sends empty datagrams itself (with {@link #send}) and passes
     * everything else on. A {@code ByteBuf} goes to the socket's connected peer, a {@code DatagramPacket} to its
     * recipient. Sharable: one instance serves every socket.
     */
    public static final ChannelHandler WRITER = new Writer();

    /** No bytes, at an address the native call can take (it wants a direct buffer). */
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocateDirect(1);

    private EmptyDatagrams() {
    }

    /**
     * Sends an empty datagram from {@code channel}'s socket to {@code target} (resolved). Call it on the
     * channel's event loop, like a write.
     *
     * @throws IOException as the system call reports it
     * @throws UnsupportedOperationException for a channel whose socket this cannot reach
     */
    public static void send(Channel channel, InetSocketAddress target) throws IOException {
        if (channel instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            socket.sendTo(NO_BYTES, 0, 0, target.getAddress(), target.getPort());
        } else if (channel.unsafe() instanceof AbstractNioChannel.NioUnsafe nio && nio.ch() instanceof DatagramChannel jdk) {
            jdk.send(ByteBuffer.allocate(0), target);
        } else {
            throw new UnsupportedOperationException("cannot send an empty datagram on a " + channel.getClass().getName());
        }
    }

    @ChannelHandler.Sharable
    private static final class Writer extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            ByteBuf content = message instanceof DatagramPacket packet ? packet.content()
                    : message instanceof ByteBuf buffer ? buffer : null;
            if (content == null || content.isReadable()) {
                ctx.write(message, promise);
                return;
            }
            SocketAddress recipient = message instanceof DatagramPacket packet ? packet.recipient()
                    : ctx.channel().remoteAddress();
            ReferenceCountUtil.release(message);
            if (!(recipient instanceof InetSocketAddress target) || target.isUnresolved()) {
                promise.tryFailure(new IOException("an empty datagram needs a resolved recipient, got " + recipient));
                return;
            }
            // What was written before goes first, as far as the socket takes it.
            ctx.flush();
            try {
                send(ctx.channel(), target);
                promise.trySuccess();
            } catch (IOException | RuntimeException e) {
                promise.tryFailure(e);
            }
        }
    }
}
