package io.gost.runtime.cli;

import io.gost.runtime.GostRuntime;
import io.gost.runtime.transport.NettyTransport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * What SIGTERM and SIGINT do to a serving gost: stop accepting at once, let open connections finish for
 * up to the grace period, close the rest and exit 0. A second signal exits at once.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is used because a JVM shutdown hook can neither
 * choose the exit code nor tell a first signal from a second.
 */
final class GracefulShutdown {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private final GostRuntime runtime;
    private final NettyTransport transport;
    private final Duration gracePeriod;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private GracefulShutdown(GostRuntime runtime, NettyTransport transport, Duration gracePeriod) {
        this.runtime = runtime;
        this.transport = transport;
        this.gracePeriod = gracePeriod;
    }

    static void install(GostRuntime runtime, NettyTransport transport, Duration gracePeriod) {
        GracefulShutdown shutdown = new GracefulShutdown(runtime, transport, gracePeriod);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), shutdown::onSignal);
            } catch (IllegalArgumentException e) {
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        // Any other way out (System.exit elsewhere, SIGHUP) still releases sockets and namespaces.
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::closeNow, "gost-shutdown-hook"));
    }

    private void onSignal(Signal signal) {
        if (!stopping.compareAndSet(false, true)) {
            log.warn("second SIG{}: exiting now", signal.getName());
            Runtime.getRuntime().halt(1);
            return;
        }
        Thread drain = new Thread(() -> drainAndExit(signal), "gost-drain");
        drain.setDaemon(false);
        drain.start();
    }

    private void drainAndExit(Signal signal) {
        runtime.stopAccepting();
        long open = runtime.openConnections();
        log.info("SIG{}: stopped accepting; waiting up to {}s for {} open connection(s)", signal.getName(),
                gracePeriod.toSeconds(), open);
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        while (runtime.openConnections() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long left = runtime.openConnections();
        if (left > 0) {
            log.info("grace period over: closing {} connection(s)", left);
        }
        closeNow();
        System.exit(0);
    }

    private void closeNow() {
        if (closed.compareAndSet(false, true)) {
            runtime.close();
            transport.close();
        }
    }
}
