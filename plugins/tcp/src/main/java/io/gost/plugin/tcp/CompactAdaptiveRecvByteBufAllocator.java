package io.gost.plugin.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.Arrays;

/**
 * Netty's {@link io.netty.channel.AdaptiveRecvByteBufAllocator}, read for read, with a smaller handle.
 *
 * <p>A channel keeps its handle from its first read until it closes, so an idle proxied pair pays for two.
 * Netty's is three objects, 112 bytes (the handle, its {@code AdaptiveCalculator}, a supplier object); this
 * one is a single 48-byte object: the size index lives in the handle as a byte, the limits in the
 * allocator, and "the last read filled the buffer" is computed where it is asked. The sizes it guesses are
 * Netty's: the same table, one step down after two small reads in a row, four steps up after a full one
 * (CompactAdaptiveRecvByteBufAllocatorTest compares the two read for read).
 */
final class CompactAdaptiveRecvByteBufAllocator extends DefaultMaxMessagesRecvByteBufAllocator {

    /** Netty's table: 16 to 496 in steps of 16, then the powers of two from 512. */
    private static final int[] SIZE_TABLE;

    static {
        int[] sizes = new int[64];
        int count = 0;
        for (int size = 16; size < 512; size += 16) {
            sizes[count++] = size;
        }
        for (int size = 512; size > 0; size <<= 1) {
            sizes[count++] = size;
        }
        SIZE_TABLE = Arrays.copyOf(sizes, count);
    }

    private static final int INDEX_INCREMENT = 4;
    private static final int INDEX_DECREMENT = 1;

    private final byte minIndex;
    private final byte maxIndex;
    private final byte initialIndex;

    /**
     * @param minimum the smallest buffer, a size of Netty's table (16, 32, ... 496, 512, 1024, ...)
     * @param initial the first buffer, a size of the table
     * @param maximum the largest buffer, a size of the table
     */
    CompactAdaptiveRecvByteBufAllocator(int minimum, int initial, int maximum) {
        if (minimum <= 0 || minimum > initial || initial > maximum) {
            throw new IllegalArgumentException("need 0 < minimum <= initial <= maximum, got "
                    + minimum + ", " + initial + ", " + maximum);
        }
        this.minIndex = indexOf(minimum);
        this.initialIndex = indexOf(initial);
        this.maxIndex = indexOf(maximum);
    }

    private static byte indexOf(int size) {
        int index = Arrays.binarySearch(SIZE_TABLE, size);
        if (index < 0) {
            throw new IllegalArgumentException(size + " is not a size of Netty's adaptive table");
        }
        return (byte) index;
    }

    @Override
    public Handle newHandle() {
        return new CompactHandle(this);
    }

    /** Per channel. Netty's MaxMessageHandle and AdaptiveCalculator folded into one object. */
    private static final class CompactHandle implements ExtendedHandle {

        private final CompactAdaptiveRecvByteBufAllocator limits;
        private ChannelConfig config;
        private int maxMessagesPerRead;
        private int totalMessages;
        private int totalBytesRead;
        private int attemptedBytesRead;
        private int lastBytesRead;
        private byte index;
        private boolean decreaseNow;

        CompactHandle(CompactAdaptiveRecvByteBufAllocator limits) {
            this.limits = limits;
            this.index = limits.initialIndex;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator allocator) {
            return allocator.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return SIZE_TABLE[index];
        }

        @Override
        public void reset(ChannelConfig config) {
            this.config = config;
            maxMessagesPerRead = limits.maxMessagesPerRead();
            totalMessages = 0;
            totalBytesRead = 0;
        }

        @Override
        public void incMessagesRead(int messages) {
            totalMessages += messages;
        }

        @Override
        public void lastBytesRead(int bytes) {
            // A read that filled the buffer grows the next one at once, as Netty's does.
            if (bytes == attemptedBytesRead) {
                record(bytes);
            }
            lastBytesRead = bytes;
            if (bytes > 0) {
                totalBytesRead += bytes;
            }
        }

        @Override
        public int lastBytesRead() {
            return lastBytesRead;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attemptedBytesRead = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attemptedBytesRead;
        }

        @Override
        public boolean continueReading() {
            return canContinue(!limits.respectMaybeMoreData() || attemptedBytesRead == lastBytesRead);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return canContinue(!limits.respectMaybeMoreData() || maybeMoreDataSupplier.get());
        }

        private boolean canContinue(boolean maybeMoreData) {
            return config.isAutoRead() && maybeMoreData && totalMessages < maxMessagesPerRead && totalBytesRead > 0;
        }

        @Override
        public void readComplete() {
            record(totalBytesRead);
        }

        /** Netty's AdaptiveCalculator.record, on a byte index. */
        private void record(int actualBytes) {
            if (actualBytes <= SIZE_TABLE[Math.max(0, index - INDEX_DECREMENT)]) {
                if (decreaseNow) {
                    index = (byte) Math.max(index - INDEX_DECREMENT, limits.minIndex);
                    decreaseNow = false;
                } else {
                    decreaseNow = true;
                }
            } else if (actualBytes >= SIZE_TABLE[index]) {
                index = (byte) Math.min(index + INDEX_INCREMENT, limits.maxIndex);
                decreaseNow = false;
            }
        }
    }
}
