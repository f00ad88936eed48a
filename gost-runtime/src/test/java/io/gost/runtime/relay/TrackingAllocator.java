package io.gost.runtime.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Hands out unpooled buffers and remembers each one, so a test can assert that every buffer the relay's
 * channels read was released: a deterministic leak check, unlike the sampling leak detector.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

    private final Queue<ByteBuf> allocated = new ConcurrentLinkedQueue<>();

    TrackingAllocator() {
        super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private ByteBuf track(ByteBuf buffer) {
        allocated.add(buffer);
        return buffer;
    }

    int allocatedCount() {
        return allocated.size();
    }

    void assertAllReleased() {
        List<ByteBuf> unreleased = allocated.stream().filter(buffer -> buffer.refCnt() > 0).toList();
        assertThat(unreleased).as("buffers still referenced after the relay ended").isEmpty();
    }
}
