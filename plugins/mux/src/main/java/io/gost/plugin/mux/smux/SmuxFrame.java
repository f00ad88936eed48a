package io.gost.plugin.mux.smux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One smux frame as read from the wire: an 8-byte header {@code VER u8 | CMD u8 | LEN u16 | SID u32}, all
 * little-endian (xtaci/smux {@code frame.go}), then LEN bytes of payload. Owns its payload: release it.
 */
public final class SmuxFrame extends AbstractReferenceCounted {

    /** Opens a stream; no payload. */
    public static final int SYN = 0;
    /** Ends a stream (both ways in smux v1.5); no payload. */
    public static final int FIN = 1;
    /** Data for a stream. */
    public static final int PSH = 2;
    /** Keepalive; stream id 0, no payload. */
    public static final int NOP = 3;
    /** Version 2 window update: {@code consumed u32, window u32}. */
    public static final int UPD = 4;

    /** Bytes of a frame header. */
    public static final int HEADER_SIZE = 8;
    /** Payload bytes of an UPD frame. */
    public static final int UPD_SIZE = 8;

    private final int version;
    private final int command;
    private final int streamId;
    private final ByteBuf payload;

    SmuxFrame(int version, int command, int streamId, ByteBuf payload) {
        this.version = version;
        this.command = command;
        this.streamId = streamId;
        this.payload = payload;
    }

    public int version() {
        return version;
    }

    public int command() {
        return command;
    }

    /** The stream id, an unsigned 32-bit number held in an int. */
    public int streamId() {
        return streamId;
    }

    /** The payload; empty for SYN, FIN and NOP. */
    public ByteBuf payload() {
        return payload;
    }

    /** A command's name for messages: {@code SYN}, {@code PSH} ... or its number. */
    public static String commandName(int command) {
        return switch (command) {
            case SYN -> "SYN";
            case FIN -> "FIN";
            case PSH -> "PSH";
            case NOP -> "NOP";
            case UPD -> "UPD";
            default -> "command " + command;
        };
    }

    /** A frame header, written little-endian into a new buffer with room for nothing else. */
    public static ByteBuf header(ByteBufAllocator alloc, int version, int command, int length, int streamId) {
        ByteBuf header = alloc.ioBuffer(HEADER_SIZE, HEADER_SIZE);
        return writeHeader(header, version, command, length, streamId);
    }

    /** Writes a frame header to {@code out}. */
    public static ByteBuf writeHeader(ByteBuf out, int version, int command, int length, int streamId) {
        out.writeByte(version);
        out.writeByte(command);
        out.writeShortLE(length);
        out.writeIntLE(streamId);
        return out;
    }

    @Override
    protected void deallocate() {
        payload.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "SmuxFrame[v" + version + " " + commandName(command) + " sid=" + Integer.toUnsignedString(streamId)
                + " len=" + payload.readableBytes() + "]";
    }
}
