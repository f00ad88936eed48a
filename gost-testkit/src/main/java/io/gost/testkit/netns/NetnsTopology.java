package io.gost.testkit.netns;

import io.gost.api.NetnsRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Real network namespaces for tests: each {@link #addNamespace namespace} is made with {@code ip netns add}
 * and joined to the default namespace by a veth pair on a /24 of 198.18.0.0/15 (the inside end gets
 * {@code .1}, the default-namespace end {@code .11}, as in GOST's netns walk-through). Every name carries
 * this topology's random suffix, each namespace gets a /24 no other interface uses, and {@link #close()}
 * removes everything it made, so tests can run side by side and leave nothing behind. Uses only the JDK
 * and iproute2's {@code ip}; needs root.
 *
 * <p>Tests that need namespaces skip with a visible reason where they cannot have them, unless the
 * environment variable {@value #REQUIRE_VARIABLE} is {@code 1} (as in CI), where that is a failure. Check
 * in {@code @BeforeEach}, so that every skipped test is reported with the reason (an abort in
 * {@code @BeforeAll} is reported by surefire as zero tests run), and make the topology in
 * {@code @BeforeAll} only when {@code unavailableReason()} is empty:
 *
 * <pre>{@code
 * @BeforeEach
 * void requireNamespaces() {
 *     NetnsTopology.unavailableReason().ifPresent(reason -> {
 *         if (NetnsTopology.requiredByEnvironment()) fail(reason); else Assumptions.abort(reason);
 *     });
 * }
 * }</pre>
 *
 * <p>Typical use: {@code try (NetnsTopology topology = NetnsTopology.create()) { Namespace ns1 =
 * topology.addNamespace("ns1"); ... }}, or one topology per test class closed in {@code @AfterAll}.
 *
 * <p>Why this class is long: making and, above all, reliably removing namespaces, veths and addresses (even
 * after a failed step, and when another test's leftovers collide) is one state machine over {@code ip}
 * commands; the length is its error handling, each with a message naming the command that failed.
 */
public final class NetnsTopology implements AutoCloseable {

    /** Set to {@code 1} to turn a missing namespace capability from a skip into a failure. */
    public static final String REQUIRE_VARIABLE = "GOST_REQUIRE_NETNS";

    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;
    private static final Pattern TEST_NET_ADDRESS = Pattern.compile("inet (198\\.1[89]\\.\\d{1,3})\\.\\d{1,3}/");
    private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String ip;
    private final String suffix;
    private final List<Namespace> namespaces = new ArrayList<>(); // guarded by this
    private final List<Process> processes = new ArrayList<>(); // guarded by this
    private final Set<String> subnetsTaken = new HashSet<>(); // guarded by this
    private boolean closed; // guarded by this

    private NetnsTopology(String ip, String suffix) {
        this.ip = ip;
        this.suffix = suffix;
    }

    /**
     * Why real namespaces cannot be made here (not Linux, not root, no {@code ip}), or empty when they can.
     * Changes nothing on the system.
     */
    public static Optional<String> unavailableReason() {
        String osName = System.getProperty("os.name", "unknown");
        if (!osName.startsWith("Linux")) {
            return Optional.of("network namespace tests need Linux; this is " + osName);
        }
        Optional<String> capabilities = missingCapabilities();
        if (capabilities.isPresent()) {
            return capabilities;
        }
        if (findIp().isEmpty()) {
            return Optional.of("network namespace tests need the `ip` command of iproute2, which is not installed"
                    + " (apt-get install -y iproute2)");
        }
        return Optional.empty();
    }

    /** True when {@value #REQUIRE_VARIABLE}=1: tests must fail, not skip, when namespaces are unavailable. */
    public static boolean requiredByEnvironment() {
        return "1".equals(System.getenv(REQUIRE_VARIABLE));
    }

    /**
     * A new, still empty topology with a random suffix. Call {@link #unavailableReason()} first.
     *
     * @throws IllegalStateException when {@code ip} is not installed
     */
    public static NetnsTopology create() {
        String ip = findIp().orElseThrow(() -> new IllegalStateException(
                "the `ip` command of iproute2 is not installed (apt-get install -y iproute2)"));
        StringBuilder suffix = new StringBuilder();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return new NetnsTopology(ip, suffix.toString());
    }

    /**
     * GOST's walk-through topology: {@code ns1} and {@code ns2}, each joined to the default namespace by a
     * veth pair. Unlike the walk-through, each gets a free random /24 of 198.18.0.0/15, so that several
     * test runs can coexist; read the addresses from the returned namespaces.
     */
    public static NetnsTopology seed() throws IOException {
        NetnsTopology topology = create();
        try {
            topology.addNamespace("ns1");
            topology.addNamespace("ns2");
            return topology;
        } catch (IOException | RuntimeException e) {
            topology.closeAfterFailure(e);
            throw e;
        }
    }

    /** The random suffix of every name in this topology. */
    public String suffix() {
        return suffix;
    }

    /** The namespaces made so far, in order. */
    public synchronized List<Namespace> namespaces() {
        return List.copyOf(namespaces);
    }

    /**
     * Makes namespace {@code baseName-SUFFIX} joined to the default namespace by a veth pair on a /24 of
     * 198.18.0.0/15 that no interface of the default namespace uses yet.
     */
    public Namespace addNamespace(String baseName) throws IOException {
        return addNamespace(baseName, freeSubnet());
    }

    /**
     * Makes namespace {@code baseName-SUFFIX} joined to the default namespace by a veth pair on
     * {@code subnet}, given as its first three octets, e.g. {@code 198.18.0}: {@code 198.18.0.1} inside,
     * {@code 198.18.0.11} in the default namespace. Fixed subnets clash when two runs use them at once; prefer
     * {@link #addNamespace(String)}.
     */
    public Namespace addNamespace(String baseName, String subnet) throws IOException {
        Objects.requireNonNull(baseName, "baseName");
        if (!subnet.matches("198\\.1[89]\\.\\d{1,3}")) {
            throw new IllegalArgumentException("subnet " + subnet + " is not a /24 of 198.18.0.0/15 such as 198.18.0");
        }
        Namespace namespace;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("this topology (suffix " + suffix + ") is closed");
            }
            int index = namespaces.size();
            namespace = new Namespace(baseName + "-" + suffix, "gv" + index + "i" + suffix, "gv" + index + "o" + suffix,
                    address(subnet + ".1"), address(subnet + ".11"), 24);
            // Registered before it exists, so that close() removes whatever part of it got made.
            namespaces.add(namespace);
            subnetsTaken.add(subnet);
        }
        ip("netns", "add", namespace.name());
        ip("link", "add", "dev", namespace.outsideInterface(), "type", "veth", "peer", "name",
                namespace.insideInterface(), "netns", namespace.name());
        ip("addr", "add", namespace.outsideAddress().getHostAddress() + "/24", "dev", namespace.outsideInterface());
        ip("link", "set", "dev", namespace.outsideInterface(), "up");
        ip("-n", namespace.name(), "addr", "add", namespace.insideAddress().getHostAddress() + "/24", "dev",
                namespace.insideInterface());
        ip("-n", namespace.name(), "link", "set", "dev", "lo", "up");
        ip("-n", namespace.name(), "link", "set", "dev", namespace.insideInterface(), "up");
        return namespace;
    }

    /**
     * Starts {@code command} inside {@code namespace} with {@code ip netns exec} and returns once it runs
     * there, so that {@code /proc/PID/ns/net} of the returned process is the namespace. {@link #close()}
     * kills it (by its pid) if the test has not.
     */
    public Process startInside(Namespace namespace, String... command) throws IOException {
        if (command.length == 0) {
            throw new IllegalArgumentException("no command to start inside " + namespace.name());
        }
        List<String> line = new ArrayList<>(List.of(ip, "netns", "exec", namespace.name(), "sh", "-c",
                "echo inside; exec \"$@\"", "sh"));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        synchronized (this) {
            processes.add(process);
        }
        // sh prints only after ip has entered the namespace; exec keeps the pid for the command.
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = output.readLine();
        if (!"inside".equals(first)) {
            process.destroyForcibly();
            throw new IOException("`" + String.join(" ", line) + "` did not start inside " + namespace.name() + ": " + first);
        }
        return process;
    }

    /**
     * The network namespace of the calling thread, as the kernel names it (e.g. {@code net:[4026531833]});
     * compare with {@link Namespace#id()}.
     */
    public static String threadNamespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/thread-self/ns/net", e);
        }
    }

    /**
     * Kills the processes it started and removes every veth pair and namespace it made, in reverse order.
     * Tries all of them even when one fails, then reports the failures. Idempotent.
     *
     * @throws IllegalStateException naming what could not be removed
     */
    @Override
    public void close() {
        List<Namespace> toRemove;
        List<Process> toKill;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toRemove = new ArrayList<>(namespaces);
            toKill = new ArrayList<>(processes);
        }
        List<String> failures = new ArrayList<>();
        for (Process process : toKill) {
            process.destroyForcibly();
            try {
                if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    failures.add("process " + process.pid() + " did not end");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add("interrupted while waiting for process " + process.pid());
            }
        }
        Collections.reverse(toRemove);
        for (Namespace namespace : toRemove) {
            // Deleting the namespace destroys the inside end and with it the pair, but only once nothing holds
            // the namespace any more (a thread still inside it, say); deleting the outside end first does not wait.
            removeLink(failures, namespace.outsideInterface());
            removeNamespace(failures, namespace);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not remove all of network namespace topology " + suffix + ": "
                    + String.join("; ", failures));
        }
    }

    @Override
    public synchronized String toString() {
        return "NetnsTopology " + suffix + " " + namespaces.stream().map(Namespace::name).collect(Collectors.toList());
    }

    private void closeAfterFailure(Exception failure) {
        try {
            close();
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    private void removeLink(List<String> failures, String interfaceName) {
        try {
            if (run(List.of("link", "show", "dev", interfaceName)).exitCode() != 0) {
                return; // never made, or already gone with its namespace
            }
            removal(failures, List.of("link", "del", "dev", interfaceName));
        } catch (IOException e) {
            failures.add(e.getMessage());
        }
    }

    private void removeNamespace(List<String> failures, Namespace namespace) {
        if (!Files.exists(namespace.path())) {
            return;
        }
        try {
            removal(failures, List.of("netns", "del", namespace.name()));
        } catch (IOException e) {
            failures.add(e.getMessage());
        }
    }

    private void removal(List<String> failures, List<String> args) throws IOException {
        CommandResult result = run(args);
        if (result.exitCode() != 0) {
            failures.add(result.describe());
        }
    }

    private String freeSubnet() throws IOException {
        Set<String> used = new HashSet<>();
        Matcher matcher = TEST_NET_ADDRESS.matcher(ip("-4", "-o", "addr", "show"));
        while (matcher.find()) {
            used.add(matcher.group(1));
        }
        synchronized (this) {
            used.addAll(subnetsTaken);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            String candidate = "198." + (18 + random.nextInt(2)) + "." + random.nextInt(256);
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw new IOException("no free /24 left in 198.18.0.0/15; " + used.size() + " are in use");
    }

    /** Runs {@code ip args}; returns its output or throws naming the command and its output. */
    private String ip(String... args) throws IOException {
        CommandResult result = run(List.of(args));
        if (result.exitCode() != 0) {
            throw new IOException(result.describe());
        }
        return result.output();
    }

    private CommandResult run(List<String> args) throws IOException {
        List<String> line = new ArrayList<>();
        line.add(ip);
        line.addAll(args);
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("`" + String.join(" ", line) + "` did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new CommandResult(line, process.exitValue(), output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running `" + String.join(" ", line) + "`", e);
        }
    }

    private static Optional<String> missingCapabilities() {
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            return Optional.of("network namespace tests need root, and /proc/self/status cannot be read: " + e);
        }
        long effective = 0;
        String uid = "?";
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                effective = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
            } else if (line.startsWith("Uid:")) {
                uid = line.substring("Uid:".length()).strip().split("\\s+")[1];
            }
        }
        boolean netAdmin = (effective & (1L << CAP_NET_ADMIN)) != 0;
        boolean sysAdmin = (effective & (1L << CAP_SYS_ADMIN)) != 0;
        if (netAdmin && sysAdmin) {
            return Optional.empty();
        }
        return Optional.of("network namespace tests need root (CAP_SYS_ADMIN and CAP_NET_ADMIN); this process runs as uid "
                + uid + " without " + (sysAdmin ? "CAP_NET_ADMIN" : netAdmin ? "CAP_SYS_ADMIN" : "either"));
    }

    private static Optional<String> findIp() {
        Set<String> directories = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(":")));
        }
        directories.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return directories.stream()
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, "ip"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + literal, e);
        }
    }

    private record CommandResult(List<String> line, int exitCode, String output) {
        String describe() {
            return "`" + String.join(" ", line) + "` failed (exit " + exitCode + "): " + output.strip();
        }
    }

    /**
     * One namespace of a topology and the veth pair that joins it to the default namespace.
     *
     * @param name             the namespace name, {@code BASE-SUFFIX}
     * @param insideInterface  the veth end inside the namespace
     * @param outsideInterface the veth end in the default namespace
     * @param insideAddress    the address inside ({@code .1})
     * @param outsideAddress   the address in the default namespace ({@code .11})
     * @param prefixLength     the prefix length of both addresses (24)
     */
    public record Namespace(String name, String insideInterface, String outsideInterface, InetAddress insideAddress,
                            InetAddress outsideAddress, int prefixLength) {

        /** {@code /run/netns/NAME}, where {@code ip netns add} made it. */
        public Path path() {
            return NetnsRef.NAMED_NAMESPACE_DIRECTORY.resolve(name);
        }

        /** The namespace by name, as in {@code netns: ns1}. */
        public NetnsRef ref() {
            return new NetnsRef(name);
        }

        /** The namespace by path, as in {@code netns: /run/netns/ns1}. */
        public NetnsRef pathRef() {
            return new NetnsRef(path().toString());
        }

        /**
         * The kernel's name of the namespace, e.g. {@code net:[4026532281]}, as
         * {@link NetnsTopology#threadNamespace()} reads it on a thread inside.
         */
        public String id() {
            try {
                return "net:[" + Files.getAttribute(path(), "unix:ino") + "]";
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stat " + path(), e);
            }
        }
    }
}
