package io.gost.plugin.http.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (paranoid in this build) reports a buffer that was
 * garbage-collected without being released. Leaks are found when buffers are collected, so the check
 * runs after the class: it collects garbage and allocates a little, which makes the detector report.
 */
public final class NettyLeakDetection implements AfterAllCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ByteBufUtil.setLeakListener((resourceType, records) -> {
            synchronized (LEAKS) {
                LEAKS.add(resourceType + " leaked:" + records);
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int round = 0; round < 5; round++) {
            System.gc();
            for (ByteBufAllocator allocator : List.of(PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT)) {
                for (int i = 0; i < 16; i++) {
                    ByteBuf probe = allocator.directBuffer(1);
                    probe.release();
                    probe = allocator.heapBuffer(1);
                    probe.release();
                }
            }
        }
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        assertThat(found).as("buffers garbage-collected without release()").isEmpty();
    }
}
