package io.gost.distribution;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Waiting for what another process does (a port that opens, a log line, a socket's state): there is no
 * future to wait on across processes, so these poll a condition with Awaitility, and fail with an
 * {@link AssertionError} that says what was expected and shows the process's log.
 */
final class Waits {

    /** Short enough not to slow a test down, long enough not to busy the two cores. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private Waits() {
    }

    /**
     * Waits until {@code done} holds, checking every {@code interval}; fails after {@code timeout}, or at once
     * when {@code givenUp} holds (a process that stopped), with {@code details}.
     */
    static void until(String what, Duration timeout, Duration interval, Callable<Boolean> done,
                      BooleanSupplier givenUp, Supplier<String> details) {
        try {
            await().pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(interval)
                    .atMost(timeout)
                    .failFast(givenUp::getAsBoolean)
                    .until(done);
        } catch (TerminalFailureException stopped) {
            throw new AssertionError("expected " + what + " but it stopped first\n" + details.get());
        } catch (ConditionTimeoutException late) {
            throw new AssertionError("expected " + what + " within " + timeout.toMillis() + " ms\n" + details.get());
        }
    }

    /** {@link #until} every {@link #POLL_INTERVAL}. */
    static void until(String what, Duration timeout, Callable<Boolean> done, BooleanSupplier givenUp,
                      Supplier<String> details) {
        until(what, timeout, POLL_INTERVAL, done, givenUp, details);
    }

    /** True when something accepts a TCP connection on {@code address} within {@code connectTimeout}. */
    static boolean accepts(InetSocketAddress address, Duration connectTimeout) {
        try (Socket probe = new Socket()) {
            probe.connect(address, (int) connectTimeout.toMillis());
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
