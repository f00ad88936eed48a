package io.gost.plugin.mux.smux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Cuts a session's byte stream into {@link SmuxFrame}s without copying payloads: a payload is a retained slice
 * of the buffer the connection read, or, for a frame that spans reads, a composite of the slices. Only the
 * 8-byte header of a frame cut by a read boundary is copied.
 *
 * <p>Why not Netty's {@code ByteToMessageDecoder}: it keeps a partial frame by copying every following read
 * into its cumulation buffer, and with frames of 32 KiB and socket reads of 64 KiB nearly every read ends in
 * a partial frame, so the whole data stream was copied once more on the receiving side.
 *
 * <p>Only framing is checked here; what a frame may contain (version, command, length) is the session's to
 * judge, as in smux's {@code recvLoop}.
 */
final class SmuxFrameDecoder extends ChannelInboundHandlerAdapter {

    /** The header being collected when a read boundary cut it. */
    private final byte[] header = new byte[SmuxFrame.HEADER_SIZE];
    private int headerBytes;
    /** The frame whose payload is being collected, or {@code payloadMissing == -1} when none is. */
    private int version;
    private int command;
    private int streamId;
    private int payloadMissing = -1;
    /** The payload received so far: a slice, or a composite of slices; {@code null} for none yet. */
    private ByteBuf payload;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf in)) {
            ctx.fireChannelRead(message);
            return;
        }
        try {
            while (in.isReadable() && ctx.channel().isOpen()) {
                if (payloadMissing < 0) {
                    if (!readHeader(in)) {
                        return;
                    }
                    if (payloadMissing == 0) {
                        emit(ctx, Unpooled.EMPTY_BUFFER);
                        continue;
                    }
                }
                int take = Math.min(payloadMissing, in.readableBytes());
                ByteBuf part = in.readRetainedSlice(take);
                payloadMissing -= take;
                if (payload == null) {
                    payload = part;
                } else if (payload instanceof CompositeByteBuf composite) {
                    composite.addComponent(true, part);
                } else {
                    payload = ctx.alloc().compositeBuffer(4).addComponents(true, payload, part);
                }
                if (payloadMissing == 0) {
                    ByteBuf complete = payload;
                    payload = null;
                    emit(ctx, complete);
                }
            }
        } finally {
            in.release();
        }
    }

    /** Reads a header, whole or its next part; true once it is complete ({@code payloadMissing} is then set). */
    private boolean readHeader(ByteBuf in) {
        int start = in.readerIndex();
        if (headerBytes == 0 && in.readableBytes() >= SmuxFrame.HEADER_SIZE) {
            version = in.getUnsignedByte(start);
            command = in.getUnsignedByte(start + 1);
            payloadMissing = in.getUnsignedShortLE(start + 2);
            streamId = in.getIntLE(start + 4);
            in.skipBytes(SmuxFrame.HEADER_SIZE);
            return true;
        }
        int take = Math.min(SmuxFrame.HEADER_SIZE - headerBytes, in.readableBytes());
        in.readBytes(header, headerBytes, take);
        headerBytes += take;
        if (headerBytes < SmuxFrame.HEADER_SIZE) {
            return false;
        }
        headerBytes = 0;
        version = header[0] & 0xFF;
        command = header[1] & 0xFF;
        payloadMissing = (header[2] & 0xFF) | (header[3] & 0xFF) << 8;
        streamId = (header[4] & 0xFF) | (header[5] & 0xFF) << 8 | (header[6] & 0xFF) << 16 | (header[7] & 0xFF) << 24;
        return true;
    }

    private void emit(ChannelHandlerContext ctx, ByteBuf complete) {
        payloadMissing = -1;
        ctx.fireChannelRead(new SmuxFrame(version, command, streamId, complete));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePartial();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePartial();
    }

    private void releasePartial() {
        if (payload != null) {
            payload.release();
            payload = null;
        }
        payloadMissing = -1;
        headerBytes = 0;
    }
}
