package io.gost.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Byte helpers for {@code EmbeddedChannel} tests: write protocol bytes as hex or text, and read what a
 * channel wrote as hex or text, releasing each buffer read (the leak detector runs in tests).
 */
public final class Bytes {

    private Bytes() {
    }

    /** A buffer from hex digits, spaces ignored: {@code hex("04 01 00 50")}. */
    public static ByteBuf hex(String digits) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(digits.replace(" ", "")));
    }

    /** A buffer holding {@code text} in ASCII. */
    public static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    /** Concatenates buffers into one (and releases them). */
    public static ByteBuf concat(ByteBuf... parts) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part : parts) {
            all.writeBytes(part);
            part.release();
        }
        return all;
    }

    /** The readable bytes as lower-case hex, and releases the buffer. */
    public static String hexAndRelease(ByteBuf buffer) {
        try {
            return ByteBufUtil.hexDump(buffer);
        } finally {
            buffer.release();
        }
    }

    /** The readable bytes as ASCII text, and releases the buffer. */
    public static String asciiAndRelease(ByteBuf buffer) {
        try {
            return buffer.toString(StandardCharsets.US_ASCII);
        } finally {
            buffer.release();
        }
    }
}
