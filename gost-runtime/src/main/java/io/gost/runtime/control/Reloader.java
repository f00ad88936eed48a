package io.gost.runtime.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one control object's rules up to date: its inline lines plus what its data sources hold, compiled and
 * handed to the object on start and then every {@code reload} period, on the control thread. Lines from a
 * source that the object cannot read are logged once each (the same bad line is not reported on every
 * reload) and left out.
 */
public final class Reloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final String owner;
    private final List<String> inline;
    private final SourceReader reader;
    private final Consumer<Lines> apply;
    private final Set<String> reported = Collections.synchronizedSet(new HashSet<>());
    private ScheduledFuture<?> schedule;

    /**
     * The lines of one load, and where to report the ones the object cannot read.
     *
     * @param inline  the lines written in the configuration (already checked when planning)
     * @param sourced the lines read from the data sources, in order of precedence
     */
    public record Lines(List<String> inline, List<String> sourced, BiConsumer<String, String> rejected) {

        /** Inline lines first, then the sources': later lines win. */
        public List<String> all() {
            List<String> all = new ArrayList<>(inline.size() + sourced.size());
            all.addAll(inline);
            all.addAll(sourced);
            return all;
        }
    }

    /**
     * @param owner  names the object in logs: {@code bypass b1}
     * @param inline its inline lines
     * @param reader its data sources
     * @param apply  compiles the lines and swaps them into the object
     */
    public Reloader(String owner, List<String> inline, SourceReader reader, Consumer<Lines> apply) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.inline = List.copyOf(inline);
        this.reader = Objects.requireNonNull(reader, "reader");
        this.apply = Objects.requireNonNull(apply, "apply");
    }

    /** Reads the sources and applies everything now, on the calling thread. */
    public void load() {
        List<String> sourced = reader.hasSources() ? reader.read() : List.of();
        apply.accept(new Lines(inline, sourced, this::reject));
    }

    /** Loads again every {@code reload} period, when the object has sources and a period. */
    public void schedule(ControlScheduler scheduler) {
        Duration period = reader.sources().reload();
        if (period != null && reader.hasSources()) {
            schedule = scheduler.every(period, "reloading " + owner, this::load);
        }
    }

    private void reject(String line, String reason) {
        if (reported.add(line)) {
            log.warn("{}: ignoring '{}': {}", owner, line.trim(), reason);
        }
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "Reloader[" + owner + "]";
    }
}
