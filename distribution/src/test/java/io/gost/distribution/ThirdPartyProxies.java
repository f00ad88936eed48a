package io.gost.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;

/**
 * tinyproxy and squid from the Debian packages of those names, each started in the foreground on a
 * loopback port with a minimal configuration generated for the test. They are peers, not optional extras:
 * if one is not installed, the test fails and says which package to install.
 */
final class ThirdPartyProxies {

    private static final List<String> BINARY_DIRECTORIES = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin",
            "/usr/local/sbin", "/usr/local/bin");

    private ThirdPartyProxies() {
    }

    /** tinyproxy on 127.0.0.1:{@code port}, allowing CONNECT to {@code connectPort} only. */
    static ManagedProcess tinyproxy(TestResources resources, int port, int connectPort) {
        Path config = resources.write("tinyproxy.conf", String.join("\n",
                "Port " + port,
                "Listen 127.0.0.1",
                "Allow 127.0.0.1",
                "ConnectPort " + connectPort,
                "Timeout 60",
                "MaxClients 50",
                // Connect level logs each request line, which the test reads to see the hop was used.
                "LogLevel Connect",
                ""));
        return resources.process("tinyproxy",
                List.of(binary("tinyproxy", "tinyproxy"), "-d", "-c", config.toString())).awaitPort(port);
    }

    /** The lines a {@link #tinyproxy} log has for a CONNECT request to 127.0.0.1:{@code port}. */
    static String tinyproxyConnectLine(int port) {
        return "CONNECT 127.0.0.1:" + port;
    }

    /**
     * squid on 127.0.0.1:{@code port}, no cache, CONNECT allowed to any port for localhost clients. Its
     * files live in a directory of its own that the unprivileged user squid switches to can write.
     */
    static Squid squid(TestResources resources, int port) {
        return resources.add(new Squid(resources, port));
    }

    static final class Squid implements AutoCloseable {

        private final Path dir;
        private final ManagedProcess process;

        private Squid(TestResources resources, int port) {
            String executable = binary("squid", "squid");
            try {
                dir = Files.createTempDirectory("gost-e2e-squid-");
                boolean root = "root".equals(System.getProperty("user.name"));
                // Run as root, squid drops to cache_effective_user (Debian: proxy) and then must still
                // reach its pid and log files; run as anyone else it stays that user.
                String user = root ? "proxy" : System.getProperty("user.name");
                if (root) {
                    UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService()
                            .lookupPrincipalByName(user);
                    Files.setOwner(dir, owner);
                }
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                Path config = dir.resolve("squid.conf");
                Files.writeString(config, String.join("\n",
                        "http_port 127.0.0.1:" + port,
                        // `localhost` and `CONNECT` are acls squid predefines.
                        "http_access allow localhost",
                        "http_access deny all",
                        "cache deny all",
                        "cache_mem 8 MB",
                        "cache_effective_user " + user,
                        "pid_filename " + dir.resolve("squid.pid"),
                        "cache_log " + dir.resolve("cache.log"),
                        "access_log stdio:" + dir.resolve("access.log"),
                        "cache_store_log none",
                        "coredump_dir " + dir,
                        "shutdown_lifetime 1 seconds",
                        ""), StandardCharsets.UTF_8);
                process = resources.process("squid", List.of(executable, "-N", "-f", config.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("could not prepare squid", e);
            }
            try {
                process.awaitPort(port);
            } catch (AssertionError notStarted) {
                AssertionError failure = new AssertionError(
                        notStarted.getMessage() + "\n--- cache.log ---\n" + read("cache.log"));
                process.close();
                try {
                    TestResources.deleteRecursively(dir);
                } catch (IOException e) {
                    failure.addSuppressed(e);
                }
                throw failure;
            }
        }

        /** Squid's access log: one line per finished request or tunnel. */
        String accessLog() {
            return read("access.log");
        }

        private String read(String file) {
            try {
                Path path = dir.resolve(file);
                return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "<cannot read " + file + ": " + e + ">";
            }
        }

        @Override
        public void close() throws IOException {
            process.close();
            TestResources.deleteRecursively(dir);
        }
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
                .orElseThrow(() -> new AssertionError(name + " is not installed; the chain tests need it as a "
                        + "real peer: apt-get install -y " + debianPackage));
    }
}
