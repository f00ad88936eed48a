package io.gost.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * What Linux's {@code /proc} says about a process the test started: open descriptors, resident memory,
 * CPU time, and its TCP sockets with their states. Linux only, as the measurements are.
 */
final class ProcessProbe {

    /** Clock ticks per second of utime/stime in /proc/PID/stat ({@code getconf CLK_TCK}, 100 on Linux). */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private static final String TCP_LISTEN = "0A";

    private final long pid;

    ProcessProbe(long pid) {
        this.pid = pid;
    }

    /** Open file descriptors: {@code ls /proc/PID/fd | wc -l}. */
    int openDescriptors() {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            int count = 0;
            for (Path ignored : fds) {
                count++;
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the descriptors of process " + pid, e);
        }
    }

    /** Resident set size in bytes, from {@code VmRSS} in /proc/PID/status. */
    long residentBytes() {
        for (String line : lines("status")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    /** User plus system CPU time in clock ticks, from /proc/PID/stat. */
    long cpuTicks() {
        String stat = lines("stat").get(0);
        // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** CPU used over {@code window}, as a share of one core (0.05 = 5 %). */
    double cpuShareOver(Duration window) throws InterruptedException {
        long before = cpuTicks();
        long start = System.nanoTime();
        // A measurement over a stretch of time, not a wait for something to happen: the time is the point.
        Thread.sleep(window.toMillis());
        long ticks = cpuTicks() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        return ticks / (double) CLOCK_TICKS_PER_SECOND / seconds;
    }

    /**
     * The process's TCP sockets other than listening ones (connections in any state, including those
     * half-closed), found by matching the socket inodes of its descriptors against /proc/PID/net/tcp{,6}.
     */
    List<String> tcpConnections() {
        Set<String> inodes = socketInodes();
        List<String> connections = new ArrayList<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            List<String> rows = lines(table);
            for (String row : rows.subList(1, rows.size())) {
                String[] fields = row.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (fields.length > 9 && inodes.contains(fields[9]) && !TCP_LISTEN.equals(fields[3])) {
                    connections.add(fields[1] + " -> " + fields[2] + " state " + fields[3]);
                }
            }
        }
        return connections;
    }

    private Set<String> socketInodes() {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the descriptor was closed while we listed them
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the descriptors of process " + pid, e);
        }
        return inodes;
    }

    private List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file, e);
        }
    }

    /**
     * Polls {@code value} every 20 ms until {@code done} holds or {@code timeout} passes, and returns how long
     * that took; fails naming {@code what} with the last value otherwise. Another process's state has no
     * future to wait on, so polling is the only way.
     */
    static Duration awaitValue(String what, LongSupplier value, LongPredicate done, Duration timeout) {
        long start = System.nanoTime();
        Waits.until(what, timeout, Duration.ofMillis(20), () -> done.test(value.getAsLong()), () -> false,
                () -> "last value " + value.getAsLong());
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
