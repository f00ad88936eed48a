package io.gost.plugin.tls.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Something built from files (a TLS context from its certificate, key and CA files) that is built again when
 * the files change: at most once per check interval, a handshake looks at the files' size, time and inode
 * (a {@code stat} each), and a change rebuilds. A rebuild that fails (a certificate written before its key,
 * a half-written file) keeps what was built before and says so once; the next change tries again.
 *
 * <p>Checked on the handshake path instead of by a timer thread: nothing runs while nothing connects, and a
 * renewed certificate is in use from the first handshake after the interval.
 *
 * @param <T> what is built
 */
final class ReloadingContext<T> {

    private static final Logger LOGGER = LoggerFactory.getLogger(ReloadingContext.class);

    private final String ownerName;
    private final String what;
    private final List<Path> files;
    private final Supplier<T> builder;
    private final long checkIntervalNanos;

    private volatile T current;
    private volatile List<Object> stamps;
    private volatile long nextCheckNanos;
    /** The stamps whose rebuild failed, so that a lasting failure is reported once. */
    private List<Object> failedStamps;

    /**
     * Builds once now (throwing what the builder throws).
     *
     * @param what          what is reloaded, for the log: {@code "TLS certificate"}
     * @param files         the files it is built from; none means it is built once and never again
     * @param checkInterval how often the files are looked at, at most; zero checks at every use
     */
    ReloadingContext(String ownerName, String what, List<Path> files, Supplier<T> builder, Duration checkInterval) {
        this.ownerName = Objects.requireNonNull(ownerName, "ownerName");
        this.what = Objects.requireNonNull(what, "what");
        this.files = List.copyOf(files);
        this.builder = Objects.requireNonNull(builder, "builder");
        this.checkIntervalNanos = checkInterval.toNanos();
        this.stamps = stamps();
        this.current = builder.get();
        this.nextCheckNanos = System.nanoTime() + checkIntervalNanos;
    }

    /** What was built last, after rebuilding it if the files changed since. */
    T get() {
        if (!files.isEmpty() && System.nanoTime() - nextCheckNanos >= 0) {
            checkFiles();
        }
        return current;
    }

    private synchronized void checkFiles() {
        if (System.nanoTime() - nextCheckNanos < 0) {
            return; // another thread checked while this one waited
        }
        nextCheckNanos = System.nanoTime() + checkIntervalNanos;
        List<Object> now = stamps();
        if (now.equals(stamps) || now.equals(failedStamps)) {
            return;
        }
        try {
            T rebuilt = builder.get();
            current = rebuilt;
            stamps = now;
            failedStamps = null;
            LOGGER.info("{}: {} reloaded from {}, which changed", ownerName, what, describeFiles());
        } catch (RuntimeException e) {
            failedStamps = now;
            LOGGER.warn("{}: {} files changed ({}) but cannot be used: {}; still serving the previous one, and"
                    + " trying again at the next change", ownerName, what, describeFiles(), e.getMessage());
        }
    }

    /** Size, modification time and file identity of each file; a file that cannot be read counts as missing. */
    private List<Object> stamps() {
        List<Object> stamps = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                stamps.add(List.of(attributes.size(), attributes.lastModifiedTime(),
                        Objects.requireNonNullElse(attributes.fileKey(), "")));
            } catch (IOException e) {
                stamps.add("missing");
            }
        }
        return stamps;
    }

    private String describeFiles() {
        return String.join(", ", files.stream().map(Path::toString).toList());
    }
}
