package com.example.gost.socks4.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes the one request a SOCKS4 client sends into a {@link Socks4Request}, however it is split
 * across reads, then removes itself: whatever the client sent behind the request is its data, and goes
 * on down the pipeline as it came (a {@link ByteToMessageDecoder} passes its leftover bytes on when it
 * is removed).
 *
 * <p>A request that is not SOCKS4 (first byte not 4) or whose user id or host name runs past
 * {@value Socks4#MAX_FIELD_LENGTH} bytes fails with a {@link io.netty.handler.codec.DecoderException}
 * at once, so a stray client cannot make it buffer without end. One instance per connection.
 */
public final class Socks4RequestDecoder extends ByteToMessageDecoder {

    /** VN, CD, DSTPORT and DSTIP: the fixed part before the user id. */
    private static final int FIXED_LENGTH = 8;

    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            // The connection is being closed; whatever else arrives means nothing.
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeRequest(ctx, in, out);
        } catch (CorruptedFrameException | TooLongFrameException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeRequest(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        if (in.readableBytes() < 1) {
            return;
        }
        int version = in.getUnsignedByte(start);
        if (version != Socks4.VERSION) {
            throw new CorruptedFrameException("not a SOCKS4 request: the first byte is " + Socks4.hex(version)
                    + ", SOCKS4 sends 0x04" + (version == 0x05 ? " (this is a SOCKS5 client)" : ""));
        }
        if (in.readableBytes() < FIXED_LENGTH) {
            return;
        }
        int userEnd = zeroAfter(in, start + FIXED_LENGTH, "user id");
        if (userEnd < 0) {
            return;
        }
        byte[] ip = new byte[4];
        in.getBytes(start + 4, ip);
        int port = in.getUnsignedShort(start + 2);
        String userId = in.toString(start + FIXED_LENGTH, userEnd - start - FIXED_LENGTH, StandardCharsets.UTF_8);
        InetSocketAddress target;
        int end;
        if (isSocks4aMarker(ip)) {
            int hostEnd = zeroAfter(in, userEnd + 1, "host name");
            if (hostEnd < 0) {
                return;
            }
            if (hostEnd == userEnd + 1) {
                throw new CorruptedFrameException("SOCKS4a request without a host name");
            }
            String host = in.toString(userEnd + 1, hostEnd - userEnd - 1, StandardCharsets.US_ASCII);
            target = InetSocketAddress.createUnresolved(host, port);
            end = hostEnd;
        } else {
            target = new InetSocketAddress(address(ip), port);
            end = userEnd;
        }
        in.readerIndex(end + 1);
        out.add(new Socks4Request(in.getUnsignedByte(start + 1), target, userId));
        ctx.pipeline().remove(this);
    }

    /** The index of the zero that ends the field starting at {@code from}; -1 when it has not arrived yet. */
    private static int zeroAfter(ByteBuf in, int from, String field) {
        int limit = Math.min(in.writerIndex(), from + Socks4.MAX_FIELD_LENGTH + 1);
        int zero = limit > from ? in.indexOf(from, limit, (byte) 0) : -1;
        if (zero < 0 && in.writerIndex() > from + Socks4.MAX_FIELD_LENGTH) {
            throw new TooLongFrameException("SOCKS4 " + field + " longer than " + Socks4.MAX_FIELD_LENGTH + " bytes");
        }
        return zero;
    }

    /** DSTIP 0.0.0.x with x not zero. */
    private static boolean isSocks4aMarker(byte[] ip) {
        return ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0;
    }

    private static InetAddress address(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
