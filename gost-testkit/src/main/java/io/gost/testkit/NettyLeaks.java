package io.gost.testkit;

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

/**
 * Turns Netty's buffer leak reports into test failures. Netty only logs a buffer that was collected
 * without being released; {@link #install()} records those reports and {@link #check(String)} fails with
 * them. Run the tests with {@code -Dio.netty.leakDetection.level=paranoid} so that every buffer is tracked.
 *
 * <p>{@link #install()} must run before the first buffer class is initialised (a static initialiser of
 * the test class or of a test-framework extension). With JUnit 5, a few lines in the plugin's tests make
 * the extension every test class carries:
 *
 * <pre>{@code
 * public final class LeakDetection implements AfterAllCallback {
 *     static { NettyLeaks.install(); }
 *     public void afterAll(ExtensionContext context) throws InterruptedException {
 *         NettyLeaks.check(context.getDisplayName());
 *     }
 * }
 * }</pre>
 *
 * The kit itself depends on no test framework, so it stays usable whichever one a plugin chooses.
 */
public final class NettyLeaks {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private NettyLeaks() {
    }

    /** Puts the recording leak detector in place; calling it again does nothing. */
    public static synchronized void install() {
        if (!installed) {
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
            installed = true;
        }
    }

    /**
     * Collects garbage and allocates a few buffers, which is when Netty reports what was collected
     * unreleased, then fails with every leak reported since the last check. A leak reported late may fail
     * the next check instead: it still fails the build.
     *
     * @param where what ran since the last check (a test class's name), for the message
     */
    public static void check(String where) throws InterruptedException {
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
            throw new AssertionError(found.size() + " Netty buffer leak(s) reported during or before " + where
                    + ":\n" + String.join("\n\n", found));
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
