package com.example.gost.socks4.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes the eight-byte reply a SOCKS4 server sends into a {@link Socks4Reply}, however it is split
 * across reads, then removes itself, passing on whatever came behind the reply (the first tunnelled
 * bytes) as it came. One instance per handshake.
 */
public final class Socks4ReplyDecoder extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < Socks4.REPLY_LENGTH) {
            return;
        }
        int version = in.readUnsignedByte();
        int code = in.readUnsignedByte();
        // DSTPORT and DSTIP mean nothing in the answer to CONNECT.
        in.skipBytes(Socks4.REPLY_LENGTH - 2);
        out.add(new Socks4Reply(version, code));
        ctx.pipeline().remove(this);
    }
}
