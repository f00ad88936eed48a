package io.gost.testkit.junit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test class when Netty's leak detector reports a buffer that was never
 * released. Netty only logs leaks; this records them and turns them into a failure. Run the tests with
 * {@code -Dio.netty.leakDetection.level=paranoid} so that every buffer is tracked.
 *
 * <p>The recording detector must be in place before the first buffer class is initialised, so put
 * {@code @ExtendWith(LeakDetection.class)} on every test class of a module that touches Netty. After a
 * class, it collects garbage and allocates a few buffers, which is when Netty reports what was collected
 * unreleased. A leak reported late may fail the next class instead: it still fails the build.
 *
 * <p>The only part of the test kit that needs JUnit (an optional dependency: a plugin tested with another
 * framework does without this class).
 */
public final class LeakDetection implements AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            // Netty polls phantom references: wait until the collector has enqueued one of ours, which it
            // does together with the others it found in this collection.
            ReferenceQueue<Object> collected = new ReferenceQueue<>();
            PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), collected);
            System.gc();
            collected.remove(1_000);
            Reference.reachabilityFence(sentinel);
            for (int i = 0; i < 8; i++) {
                // A tracked allocation is what makes Netty poll for collected, unreleased buffers (unpooled
                // heap buffers are not tracked).
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(1);
                probe.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            List<String> found = new ArrayList<>(LEAKS);
            LEAKS.clear();
            throw new AssertionError(found.size() + " Netty buffer leak(s) reported during or before "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", found));
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {

        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " (no records)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
