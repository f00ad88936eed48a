package io.gost.plugin.mux.smux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a session's byte stream into {@link SmuxFrame}s. Only framing is checked here; what a frame may
 * contain (version, command, length) is the session's to judge, as in smux's {@code recvLoop}.
 */
final class SmuxFrameDecoder extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= SmuxFrame.HEADER_SIZE) {
            int start = in.readerIndex();
            int length = in.getUnsignedShortLE(start + 2);
            if (in.readableBytes() < SmuxFrame.HEADER_SIZE + length) {
                return;
            }
            int version = in.getUnsignedByte(start);
            int command = in.getUnsignedByte(start + 1);
            int streamId = in.getIntLE(start + 4);
            in.skipBytes(SmuxFrame.HEADER_SIZE);
            out.add(new SmuxFrame(version, command, streamId, in.readRetainedSlice(length)));
        }
    }
}
