package io.gost.runtime.relay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * Self-describing streams: every 8-byte big-endian word holds its own offset (tagged per direction), so
 * a mismatch tells where the stream went wrong and what arrived there instead (garbage, a repeated or a
 * missing piece, the other direction's bytes).
 */
final class StreamCheck {

    static final long UPLOAD_TAG = 0x5550_0000_0000_0000L;
    static final long DOWNLOAD_TAG = 0x444E_0000_0000_0000L;
    private static final long TAG_MASK = 0xFFFF_0000_0000_0000L;

    private StreamCheck() {
    }

    static byte[] offsets(int size, long tag) {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        for (long offset = 0; offset < size; offset += 8) {
            buffer.putLong(tag | offset);
        }
        return buffer.array();
    }

    /** Reads until end of stream; on an error says how many (and which) bytes had arrived. */
    static byte[] readAll(Socket socket, String what) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(chunk)) >= 0; ) {
                received.write(chunk, 0, n);
            }
            return received.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(what + " failed after " + received.size() + " bytes: " + e
                    + "; bytes so far: " + firstDifference(received.toByteArray(), null), e);
        }
    }

    static void assertSame(String what, byte[] actual, byte[] expected) {
        String difference = firstDifference(actual, expected);
        if (difference != null) {
            throw new AssertionError(what + ": " + actual.length + " bytes received, " + expected.length
                    + " sent; " + difference);
        }
    }

    /** Null when actual is a correct prefix of the stream (and as long as expected, if given). */
    static String firstDifference(byte[] actual, byte[] expected) {
        ByteBuffer in = ByteBuffer.wrap(actual);
        long tag = actual.length >= 8 ? in.getLong(0) & TAG_MASK : 0;
        for (int offset = 0; offset + 8 <= actual.length; offset += 8) {
            long word = in.getLong(offset);
            if (word != (tag | offset)) {
                return "first wrong word at offset " + offset + ": " + describeRun(in, offset, tag);
            }
        }
        if (expected != null && actual.length != expected.length) {
            return "all received words right, but length differs";
        }
        return null;
    }

    /** What arrived from offset on: runs of consecutive words, up to a few. */
    private static String describeRun(ByteBuffer in, int from, long tag) {
        StringBuilder text = new StringBuilder();
        int offset = from;
        for (int runs = 0; runs < 8 && offset + 8 <= in.limit(); runs++) {
            long first = in.getLong(offset);
            int start = offset;
            long expectedNext = first;
            while (offset + 8 <= in.limit() && in.getLong(offset) == expectedNext) {
                offset += 8;
                expectedNext += 8;
            }
            if (offset == start) {
                offset += 8; // a word that does not even continue itself
            }
            text.append(String.format("%n  [%d..%d) holds words %s %s", start, offset,
                    label(first, tag), offset - start > 8 ? "onwards (consecutive)" : ""));
        }
        return text.toString();
    }

    private static String label(long word, long tag) {
        long wordTag = word & TAG_MASK;
        if (wordTag == tag) {
            return "of offset " + (word & ~TAG_MASK);
        }
        if (wordTag == UPLOAD_TAG || wordTag == DOWNLOAD_TAG) {
            return "of the OTHER direction, offset " + (word & ~TAG_MASK);
        }
        return String.format("garbage 0x%016x", word);
    }
}
