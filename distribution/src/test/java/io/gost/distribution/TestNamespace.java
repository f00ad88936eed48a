package io.gost.distribution;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace the test creates with {@code ip netns add} and removes again, even after a failure,
 * for sockets that must not be reachable from this machine's network (a listener on {@code 0.0.0.0}).
 * Needs root: without it the test is skipped with the reason, unless {@code GOST_REQUIRE_NETNS=1}, which
 * turns the skip into a failure.
 */
final class TestNamespace implements AutoCloseable {

    private final String name;

    private TestNamespace(String name) {
        this.name = name;
    }

    /** A fresh namespace named {@code prefix-<random>}; only its loopback interface exists, down. */
    static TestNamespace create(String prefix) {
        String reason = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            reason = "creating a network namespace needs root (ip netns add)";
        }
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (reason == null && run("ip", "netns", "add", name) != 0) {
            reason = "`ip netns add " + name + "` failed (is iproute2 installed and are we allowed to?)";
        }
        if (reason != null) {
            if ("1".equals(System.getenv("GOST_REQUIRE_NETNS"))) {
                throw new AssertionError(reason + ", and GOST_REQUIRE_NETNS=1 requires namespace tests to run");
            }
            Assumptions.abort(reason);
        }
        return new TestNamespace(name);
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        run("ip", "netns", "delete", name);
    }

    private static int run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
