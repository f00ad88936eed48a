package io.gost.runtime.cli;

import io.gost.runtime.GostRuntime;
import io.gost.runtime.reload.Reloader;
import io.gost.runtime.transport.NettyTransport;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * What signals do to a serving gost:
 * <ul>
 * <li>SIGTERM and SIGINT: stop accepting at once, let open connections finish for up to the grace period,
 *     close the rest and exit 0. A second one exits at once;
 * <li>SIGHUP: reload the configuration (only what changed is restarted; a configuration that fails is
 *     logged and not applied);
 * <li>SIGUSR1: reopen the log files, for logrotate's {@code postrotate}.
 * </ul>
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is used because a JVM shutdown hook can neither
 * choose the exit code nor tell a first signal from a second, and the JVM would otherwise exit on SIGHUP.
 */
final class GracefulShutdown {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    private final GostRuntime runtime;
    private final NettyTransport transport;
    private final Duration gracePeriod;
    private final Runnable beforeExit;
    private final Runnable onStop;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private GracefulShutdown(GostRuntime runtime, NettyTransport transport, Duration gracePeriod, Runnable onStop,
                             Runnable beforeExit) {
        this.runtime = runtime;
        this.onStop = onStop;
        this.transport = transport;
        this.gracePeriod = gracePeriod;
        this.beforeExit = beforeExit;
    }

    /**
     * Installs the handlers.
     *
     * @param reloader   what SIGHUP asks to reload
     * @param reopenLogs what SIGUSR1 runs
     * @param onStop     runs when SIGTERM or SIGINT arrives (the health endpoint starts saying 503)
     * @param beforeExit closes what else serves (the API, the metrics) before the runtime and transport
     */
    static void install(GostRuntime runtime, NettyTransport transport, Duration gracePeriod, Reloader reloader,
                        Runnable reopenLogs, Runnable onStop, Runnable beforeExit) {
        GracefulShutdown shutdown = new GracefulShutdown(runtime, transport, gracePeriod, onStop, beforeExit);
        handle("TERM", shutdown::onStopSignal);
        handle("INT", shutdown::onStopSignal);
        handle("HUP", signal -> {
            log.info("SIGHUP: reloading the configuration");
            reloader.reload("SIGHUP");
        });
        handle("USR1", signal -> {
            log.info("SIGUSR1: reopening log files");
            reopenLogs.run();
        });
        // Any other way out (System.exit elsewhere) still releases sockets and namespaces.
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::closeNow, "gost-shutdown-hook"));
    }

    private static void handle(String name, sun.misc.SignalHandler handler) {
        try {
            // The JVM keeps a stop or hang-up signal that was ignored when it started (nohup) ignored, and says so
            // only by answering SIG_IGN here (bin/gost gives SIGHUP its default back first, where env can).
            if (Signal.handle(new Signal(name), handler) == sun.misc.SignalHandler.SIG_IGN) {
                log.warn("SIG{} was ignored when gost started (nohup?), and the JVM keeps it ignored: it will not {}",
                        name, name.equals("HUP") ? "reload the configuration (use -R or the Web API, or start gost"
                                + " through bin/gost)" : "act on it");
            }
        } catch (IllegalArgumentException e) {
            log.debug("cannot handle SIG{}: {}", name, e.getMessage());
        }
    }

    private void onStopSignal(Signal signal) {
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
        onStop.run();
        long open = runtime.openConnections();
        log.info("SIG{}: stopped accepting; waiting up to {}s for {} open connection(s)", signal.getName(),
                gracePeriod.toSeconds(), open);
        try {
            // The runtime closes what is left when the grace period ends; the extra second is for those closes.
            runtime.drain(gracePeriod).get(gracePeriod.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.info("grace period over: closing {} connection(s)", runtime.openConnections());
        }
        closeNow();
        System.exit(0);
    }

    private void closeNow() {
        if (closed.compareAndSet(false, true)) {
            try {
                beforeExit.run();
            } catch (RuntimeException e) {
                log.warn("closing: {}", e.toString());
            }
            runtime.close();
            transport.close();
        }
    }
}
