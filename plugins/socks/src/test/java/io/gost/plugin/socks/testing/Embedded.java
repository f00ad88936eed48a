package io.gost.plugin.socks.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** EmbeddedChannel helpers: channels with real-looking addresses, and byte-level reading and writing. */
public final class Embedded {

    /** Pooled buffers are tracked by Netty's leak detector (unpooled heap ones are not). */
    private static final ByteBufAllocator TRACKED = PooledByteBufAllocator.DEFAULT;

    private Embedded() {
    }

    /** An embedded channel whose addresses are IP socket addresses, with auto-read off like accepted ones. */
    public static EmbeddedChannel channel(InetSocketAddress local, InetSocketAddress remote, ChannelHandler... handlers) {
        EmbeddedChannel channel = new AddressedChannel(local, remote);
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(handlers);
        return channel;
    }

    /** A client connection from 127.0.0.1:40000 to 127.0.0.1:1080. */
    public static EmbeddedChannel client(ChannelHandler... handlers) {
        return channel(new InetSocketAddress("127.0.0.1", 1080), new InetSocketAddress("127.0.0.1", 40_000), handlers);
    }

    /** A buffer holding {@code values}, each taken as an unsigned byte. */
    public static ByteBuf bytes(int... values) {
        ByteBuf buffer = TRACKED.buffer(values.length);
        for (int value : values) {
            buffer.writeByte(value);
        }
        return buffer;
    }

    /** Concatenates {@code parts} (byte arrays or int arrays of unsigned bytes). */
    public static ByteBuf join(Object... parts) {
        ByteBuf buffer = TRACKED.buffer();
        for (Object part : parts) {
            if (part instanceof byte[] array) {
                buffer.writeBytes(array);
            } else if (part instanceof int[] values) {
                for (int value : values) {
                    buffer.writeByte(value);
                }
            } else if (part instanceof Integer value) {
                buffer.writeByte(value);
            } else {
                throw new IllegalArgumentException("not bytes: " + part);
            }
        }
        return buffer;
    }

    /** Every byte written to the channel so far, in order; the buffers are released. */
    public static byte[] outbound(EmbeddedChannel channel) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Object message; (message = channel.readOutbound()) != null; ) {
            ByteBuf buffer = (ByteBuf) message;
            try {
                all.writeBytes(ByteBufUtil.getBytes(buffer));
            } finally {
                buffer.release();
            }
        }
        return all.toByteArray();
    }

    /** Every byte that reached the end of the channel's inbound pipeline so far; the buffers are released. */
    public static byte[] inbound(EmbeddedChannel channel) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Object message; (message = channel.readInbound()) != null; ) {
            ByteBuf buffer = (ByteBuf) message;
            try {
                all.writeBytes(ByteBufUtil.getBytes(buffer));
            } finally {
                buffer.release();
            }
        }
        return all.toByteArray();
    }

    /** Unsigned bytes as a byte array, for comparisons. */
    public static byte[] array(int... values) {
        byte[] array = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            array[i] = (byte) values[i];
        }
        return array;
    }

    private static final class AddressedChannel extends EmbeddedChannel {

        private final SocketAddress local;
        private final SocketAddress remote;

        AddressedChannel(SocketAddress local, SocketAddress remote) {
            this.local = local;
            this.remote = remote;
        }

        @Override
        protected SocketAddress localAddress0() {
            return local;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }
}
