package io.gost.distribution;

import io.gost.testkit.netns.NetnsTopology.Namespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Programs started inside a network namespace with {@code ip netns exec NS ...} (which enters the namespace
 * and then execs the program, so the pid a test kills is the program's own), and waits on sockets that
 * live in namespaces. Every process is registered with the test's {@link TestResources} and so stopped,
 * by its pid, after the test.
 */
final class NamespaceProcesses {

    /** How long a process may take to accept, or to finish its work. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final List<String> BINARY_DIRECTORIES = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin",
            "/usr/local/sbin", "/usr/local/bin");

    /** A small, quickly starting JVM for the helper programs. */
    private static final List<String> HELPER_JVM_OPTIONS = List.of("-Xmx64m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    private NamespaceProcesses() {
    }

    /**
     * Runs {@code main(args)} of a test class in a JVM of its own inside {@code namespace}, with this test's
     * compiled classes on its class path.
     */
    static ManagedProcess java(TestResources resources, String name, Namespace namespace, Class<?> main,
                               String... args) {
        List<String> command = new ArrayList<>(inside(namespace));
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(HELPER_JVM_OPTIONS);
        command.add("-cp");
        command.add(testClasses().toString());
        command.add(main.getName());
        command.addAll(List.of(args));
        return resources.process(name, command);
    }

    /**
     * {@code ip netns exec NS bin/gost args...}: the launcher itself runs inside the namespace, as a user
     * would run a gost that knows nothing of namespaces.
     */
    static GostProcess gost(TestResources resources, Namespace namespace, String... args) {
        Path wrapper = resources.write("gost-in-" + namespace.name() + ".sh", String.join("\n",
                "#!/bin/sh",
                "exec " + String.join(" ", inside(namespace)) + " '" + GostProcess.launcher() + "' \"$@\"",
                ""));
        makeExecutable(wrapper);
        return resources.gostThrough(wrapper, "", args);
    }

    /**
     * tinyproxy inside {@code namespace} on {@code namespace's inside address:port}, accepting clients only
     * from {@code allowedClient} and CONNECT only to {@code connectPort}.
     */
    static ManagedProcess tinyproxy(TestResources resources, Namespace namespace, int port, String allowedClient,
                                    int connectPort) {
        Path config = resources.write("tinyproxy.conf", String.join("\n",
                "Port " + port,
                "Listen " + namespace.insideAddress().getHostAddress(),
                "Allow " + allowedClient,
                "ConnectPort " + connectPort,
                "Timeout 60",
                "MaxClients 50",
                // Connect level logs each client address and request line.
                "LogLevel Connect",
                ""));
        List<String> command = new ArrayList<>(inside(namespace));
        command.addAll(List.of(binary("tinyproxy"), "-d", "-c", config.toString()));
        return resources.process("tinyproxy", command);
    }

    /** {@code ip netns exec NAME}. */
    static List<String> inside(Namespace namespace) {
        return List.of(ip(), "netns", "exec", namespace.name());
    }

    /** The absolute path of iproute2's {@code ip}. */
    static String ip() {
        return binary("ip");
    }

    /**
     * Waits until {@code address} accepts TCP connections, from the default namespace (every namespace of the
     * topology is reachable from it through its veth). Fails with the process log if {@code process} exits
     * first or nothing accepts within {@link #TIMEOUT}.
     */
    static <P extends ManagedProcess> P awaitAccepting(P process, InetSocketAddress address) {
        Waits.until(process.name() + " to accept on " + address, TIMEOUT,
                () -> Waits.accepts(address, Duration.ofMillis(500)), () -> !process.isAlive(), process::describe);
        return process;
    }

    /** Waits until {@code process} has printed {@code text}; fails with its log if it exits first. */
    static <P extends ManagedProcess> P awaitOutput(P process, String text) {
        Waits.until(process.name() + " to print '" + text + "'", TIMEOUT, () -> process.output().contains(text),
                () -> !process.isAlive() && !process.output().contains(text), process::describe);
        return process;
    }

    /** Waits up to {@link #TIMEOUT} for {@code process} to end by itself and returns its exit code. */
    static int awaitExit(ManagedProcess process) {
        Waits.until(process.name() + " to finish", TIMEOUT, () -> !process.isAlive(), () -> false,
                process::describe);
        return process.awaitExit();
    }

    /** Where this class was loaded from: {@code target/test-classes}. */
    private static Path testClasses() {
        try {
            return Paths.get(NamespaceProcesses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the test classes", e);
        }
    }

    private static void makeExecutable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String binary(String name) {
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"));
        return Stream.concat(path, BINARY_DIRECTORIES.stream())
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Paths.get(directory, name))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new AssertionError(name + " is not installed; the namespace tests need it: "
                        + "apt-get install -y " + ("ip".equals(name) ? "iproute2" : name)));
    }
}
