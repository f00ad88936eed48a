package io.gost.distribution;

import static org.junit.jupiter.api.Assertions.fail;

import io.gost.testkit.netns.NetnsTopology;
import org.junit.jupiter.api.Assumptions;

/**
 * The one rule every namespace test follows: where network namespaces cannot be made (not root, no `ip`), the
 * test is skipped with the reason, unless {@code GOST_REQUIRE_NETNS=1} (CI) says it must run; then it fails.
 */
final class NamespacesOrSkip {

    private NamespacesOrSkip() {
    }

    static void require() {
        NetnsTopology.unavailableReason().ifPresent(reason -> {
            if (NetnsTopology.requiredByEnvironment()) {
                fail(reason + " (and " + NetnsTopology.REQUIRE_VARIABLE + "=1 requires them)");
            }
            Assumptions.abort(reason);
        });
    }
}
