package io.gost.distribution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Third-party SOCKS5 servers from Debian as real peers of gost: Dante ({@code danted}, package
 * dante-server) and microsocks, each started in the foreground on a loopback port and stopped by pid after
 * the test, with every process it forked. Not installed means the test fails and names the package.
 */
final class Socks5Peers {

    private static final List<String> BINARY_DIRECTORIES = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin",
            "/usr/local/sbin", "/usr/local/bin");

    private Socks5Peers() {
    }

    /**
     * danted on 127.0.0.1:{@code port} without authentication, serving loopback clients, connecting out
     * through {@code lo}. Its log goes to {@code danted.log} in the test's directory.
     */
    static ManagedProcess dante(TestResources resources, int port) {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path config = resources.write("danted.conf", String.join("\n",
                "logoutput: " + resources.dir().resolve("danted.log"),
                "internal: 127.0.0.1 port = " + port,
                "external: lo",
                "clientmethod: none",
                "socksmethod: none",
                // As root, danted insists on knowing whom to switch to; as anyone else it stays that user.
                root ? "user.privileged: root" : "",
                root ? "user.unprivileged: nobody" : "",
                "client pass {",
                "  from: 127.0.0.0/8 to: 0.0.0.0/0",
                "}",
                "socks pass {",
                "  from: 127.0.0.0/8 to: 0.0.0.0/0",
                "  log: connect disconnect error",
                "}",
                ""));
        // Without -D danted stays in the foreground, so the pid we hold is its mother process.
        return withChildren(resources, resources.process("danted",
                List.of(binary("danted", "dante-server"), "-f", config.toString()))).awaitPort(port);
    }

    /** What danted logged so far ({@code connect} lines name each tunnel's target). */
    static String danteLog(TestResources resources) {
        try {
            Path log = resources.dir().resolve("danted.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "<cannot read danted.log: " + e + ">";
        }
    }

    /** microsocks on 127.0.0.1:{@code port}, without authentication. */
    static ManagedProcess microsocks(TestResources resources, int port) {
        return microsocks(resources, port, List.of());
    }

    /** microsocks on 127.0.0.1:{@code port}, requiring {@code user}:{@code password}. */
    static ManagedProcess microsocks(TestResources resources, int port, String user, String password) {
        return microsocks(resources, port, List.of("-u", user, "-P", password));
    }

    private static ManagedProcess microsocks(TestResources resources, int port, List<String> credentials) {
        List<String> command = new ArrayList<>(List.of(binary("microsocks", "microsocks"), "-i", "127.0.0.1",
                "-p", String.valueOf(port)));
        command.addAll(credentials);
        return resources.process("microsocks", command).awaitPort(port);
    }

    /**
     * After the test, before {@code process} itself is stopped: stops it and then, by their pids, whatever
     * children it left (danted forks a monitor, negotiate, request and io children).
     */
    private static ManagedProcess withChildren(TestResources resources, ManagedProcess process) {
        resources.add(() -> {
            List<ProcessHandle> children = ProcessHandle.of(process.pid())
                    .map(handle -> handle.descendants().toList())
                    .orElse(List.of());
            process.close();
            for (ProcessHandle child : children) {
                child.destroy();
                try {
                    child.onExit().get(ManagedProcess.STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception stillThere) {
                    child.destroyForcibly();
                }
            }
        });
        return process;
    }

    /** The absolute path of {@code name} (PATH, then the sbin directories a non-root PATH may lack). */
    private static String binary(String name, String debianPackage) {
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"));
        return Stream.concat(path, BINARY_DIRECTORIES.stream())
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Paths.get(directory, name))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new AssertionError(name + " is not installed; the SOCKS5 tests need it as a "
                        + "real peer: apt-get install -y " + debianPackage));
    }
}
