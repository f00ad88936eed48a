package io.gost.plugin.tls;

import io.gost.testkit.NettyLeaks;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (paranoid in this build) reported a buffer that was never
 * released (the test kit's {@link NettyLeaks}). Every test class of this module that touches Netty carries
 * it, so the recording detector is in place before the first buffer class is initialised. It lives in the
 * test root package, which surefire opens to JUnit on the module path.
 */
public final class LeakDetection implements AfterAllCallback {

    static {
        NettyLeaks.install();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        NettyLeaks.check(context.getDisplayName());
    }
}
