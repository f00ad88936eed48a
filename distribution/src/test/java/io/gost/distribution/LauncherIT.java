package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What bin/gost does before Java runs gost: it tells the Java version from the installation's
 * {@code release} file (asking {@code java -version} only when there is none), and starts with the
 * class-data sharing archive lib/gost.jsa only where it fits, silently without it elsewhere.
 */
class LauncherIT {

    /** How -Xlog:class+load reports a class the JVM took from a class-data sharing archive. */
    private static final String MAIN_FROM_ARCHIVE = "io.gost.runtime.cli.Main source: shared objects file";
    private static final String MAIN_FROM_JAR = "io.gost.runtime.cli.Main source: file:";

    /**
     * bin/gost-cds starts gost, sends a few requests through it and, on Java 25+, has the JVM assemble the
     * AOT cache in a second run: on a busy machine that takes longer than a start.
     */
    private static final Duration GOST_CDS_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void javaVersionIsReadFromTheReleaseFileWithoutStartingAnotherJvm() throws IOException {
        Path javaHome = fakeJavaHome("recording-java", realRelease());

        GostProcess gost = gostWithJavaHome(javaHome, "", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(javaCalls()).as("every start of " + javaHome.resolve("bin/java"))
                .singleElement().asString().doesNotContain("-version").contains("io.gost.runtime.cli.Main");
    }

    @Test
    void javaOlderThan17IsRefusedByItsReleaseFileNamingTheVersion() throws IOException {
        Path javaHome = fakeJavaHome("recording-java", "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.22\"\n");

        GostProcess gost = gostWithJavaHome(javaHome, "", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isEqualTo(1);
        assertThat(gost.stderr()).as(gost::describe).contains("11.0.22").contains("gost needs Java 17 or newer");
        assertThat(javaCalls()).as("starts of " + javaHome.resolve("bin/java")).isEmpty();
    }

    @Test
    void javaEightVersionFormatInTheReleaseFileIsRefused() throws IOException {
        Path javaHome = fakeJavaHome("recording-java", "JAVA_VERSION=\"1.8.0_392\"\n");

        GostProcess gost = gostWithJavaHome(javaHome, "", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isEqualTo(1);
        assertThat(gost.stderr()).as(gost::describe).contains("1.8.0_392").contains("gost needs Java 17 or newer");
    }

    @Test
    void javaWithoutReleaseFileIsAskedForItsVersion() throws IOException {
        Path javaHome = fakeJavaHome("java-11-without-release", null);

        GostProcess gost = gostWithJavaHome(javaHome, "", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isEqualTo(1);
        assertThat(gost.stderr()).as(gost::describe).contains("11.0.22").contains("gost needs Java 17 or newer");
    }

    @Test
    void builtTreeStartsFromItsClassDataSharingArchive() {
        GostProcess gost = resources.gostWithJavaOpts("-Xlog:class+load", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains(MAIN_FROM_ARCHIVE);
    }

    @Test
    void archiveMadeWithAnotherJavaBuildIsLeftAloneWithoutAWord() throws IOException {
        String otherBuild = realRelease().replaceAll("(?m)^JAVA_RUNTIME_VERSION=\"([^\"]*)\"",
                "JAVA_RUNTIME_VERSION=\"$1-another-build\"");
        Path javaHome = fakeJavaHome("recording-java", otherBuild);

        GostProcess gost = gostWithJavaHome(javaHome, "-Xlog:class+load", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains(MAIN_FROM_JAR);
        assertNoWordFromTheJvmAboutSharing(gost);
    }

    @Test
    void copiedTreeLeavesTheArchiveOfTheOriginalAloneWithoutAWord() throws IOException {
        Path copy = copyOfTheBuiltTree();
        assertThat(copy.resolve("lib/gost.jsa")).as("the archive, copied along").isRegularFile();

        GostProcess gost = resources.gostThrough(copy.resolve("bin/gost"), "-Xlog:class+load", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains(MAIN_FROM_JAR);
        assertNoWordFromTheJvmAboutSharing(gost);
    }

    @Test
    void unpackedTarballGetsAnArchiveOfItsOwnFromGostCds() throws IOException {
        Path home = unpackedTarball();
        assertThat(home.resolve("lib/gost.jsa")).as("an archive in the tarball").doesNotExist();

        ManagedProcess cds = resources.process("gost-cds", List.of(home.resolve("bin/gost-cds").toString()));
        assertThat(cds.awaitExit(GOST_CDS_TIMEOUT)).as(cds::describe).isZero();
        GostProcess gost = resources.gostThrough(home.resolve("bin/gost"), "-Xlog:class+load", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains(MAIN_FROM_ARCHIVE);
        assertNoWordFromTheJvmAboutSharing(gost);
    }

    /**
     * A normal start prints no warning. The test runs gost where no network interface has a hardware
     * address (a fresh network namespace with only its loopback interface), as in many containers: there Netty, left to
     * choose its machine id itself, warns at every start that it uses random bytes.
     */
    @Test
    void aStartWhereNoInterfaceHasAHardwareAddressPrintsNoWarning() {
        TestNamespace namespace = resources.add(TestNamespace.create("gostmac"));
        ManagedProcess loopbackUp = resources.process("lo-up",
                List.of(NamespaceProcesses.ip(), "-n", namespace.name(), "link", "set", "lo", "up"));
        assertThat(loopbackUp.awaitExit()).as(loopbackUp::describe).isZero();
        Path inNamespace = resources.write("gost-in-" + namespace.name() + ".sh", String.join("\n",
                "#!/bin/sh",
                "exec " + NamespaceProcesses.ip() + " netns exec " + namespace.name() + " '" + GostProcess.launcher() + "' \"$@\"",
                ""));
        assertThat(inNamespace.toFile().setExecutable(true)).isTrue();

        GostProcess gost = resources.gostThrough(inNamespace, "", "-L", "tcp://127.0.0.1:8000/127.0.0.1:9");
        NamespaceProcesses.awaitOutput(gost, "listening on");
        gost.close();

        assertThat(gost.stderr()).as(gost::describe)
                .contains("service service-0 listening on")
                .doesNotContainPattern("(?m)^\\S+ (WARN|ERROR) ");
    }

    /**
     * From Java 25 on, bin/gost-cds makes an AOT cache (which also holds lib/'s module graph) and bin/gost
     * starts from it. Needs a Java 25+ installation: GOST_TEST_JAVA25_HOME, or one in /usr/lib/jvm.
     */
    @Test
    void onJava25OrNewerTheTreeStartsFromAnAotCacheOfItsOwn() throws IOException {
        Path java25 = java25OrNewer();
        if (java25 == null) {
            String reason = "no Java 25 or newer installed (GOST_TEST_JAVA25_HOME, or /usr/lib/jvm): the AOT cache is not tried";
            // GOST_REQUIRE_NETNS=1 is the project's "nothing may skip" switch in CI, as in SlowlorisIT.
            if ("1".equals(System.getenv("GOST_REQUIRE_NETNS"))) {
                throw new AssertionError(reason + ", and GOST_REQUIRE_NETNS=1 (CI) requires this test to run");
            }
            Assumptions.abort(reason);
        }
        Path home = copyOfTheBuiltTree();
        Map<String, String> environment = Map.of("JAVA_HOME", java25.toString());

        ManagedProcess cds = resources.process("gost-cds", List.of(home.resolve("bin/gost-cds").toString()), environment);
        assertThat(cds.awaitExit(GOST_CDS_TIMEOUT)).as(cds::describe).isZero();
        GostProcess gost = resources.gostWithEnvironment(home.resolve("bin/gost"), environment, "", "-V");
        GostProcess logged = resources.gostWithEnvironment(home.resolve("bin/gost"), environment,
                "-Xlog:class+load -Xlog:aot=info", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains("Java 25");
        assertNoWordFromTheJvmAboutSharing(gost);
        assertThat(logged.awaitExit()).as(logged::describe).isZero();
        // An AOT cache, not a dynamic archive: only the former holds linked classes.
        assertThat(logged.stdout()).as(logged::describe).contains(MAIN_FROM_ARCHIVE)
                .contains("Using AOT-linked classes: true");

        // Serving loads Netty's native epoll library: a restricted method from Java 22 on, which warns unless
        // bin/gost allows it.
        int port = resources.freePort();
        GostProcess serving = resources.gostWithEnvironment(home.resolve("bin/gost"), environment, "",
                "-L", "tcp://127.0.0.1:" + port + "/127.0.0.1:9").awaitPort(port);
        assertThat(serving.output()).as(serving::describe).doesNotContain("WARNING");
    }

    /** A Java 25+ installation (by its release file), or null. */
    private static Path java25OrNewer() throws IOException {
        String configured = System.getenv("GOST_TEST_JAVA25_HOME");
        List<Path> candidates;
        if (configured != null && !configured.isBlank()) {
            candidates = List.of(Paths.get(configured));
        } else if (Files.isDirectory(Paths.get("/usr/lib/jvm"))) {
            try (Stream<Path> homes = Files.list(Paths.get("/usr/lib/jvm"))) {
                candidates = homes.sorted().collect(Collectors.toList());
            }
        } else {
            candidates = List.of();
        }
        for (Path home : candidates) {
            Path release = home.resolve("release");
            if (Files.isExecutable(home.resolve("bin/java")) && Files.isRegularFile(release)) {
                Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)")
                        .matcher(Files.readString(release, StandardCharsets.UTF_8));
                if (version.find() && Integer.parseInt(version.group(1)) >= 25) {
                    return home;
                }
            }
        }
        return null;
    }

    private GostProcess gostWithJavaHome(Path javaHome, String javaOpts, String... args) {
        return resources.gostWithEnvironment(GostProcess.launcher(), Map.of("JAVA_HOME", javaHome.toString()),
                javaOpts, args);
    }

    /**
     * A Java installation of this test's own: {@code release} holds {@code release} (none when null), and
     * {@code bin/java} is the script {@code kind}: {@code recording-java} notes each start in
     * {@code java-calls.log} and runs the JVM these tests run on; {@code java-11-without-release} answers
     * {@code -version} as Java 11 does.
     */
    private Path fakeJavaHome(String kind, String release) throws IOException {
        Path home = Files.createDirectories(resources.dir().resolve("java-home/bin"));
        String script = switch (kind) {
            case "recording-java" -> "#!/bin/sh\nprintf '%s\\n' \"$*\" >>'" + javaCallsLog() + "'\nexec '"
                    + Paths.get(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n";
            case "java-11-without-release" -> "#!/bin/sh\n[ \"$1\" = -version ] || exit 99\n"
                    + "echo 'openjdk version \"11.0.22\" 2024-01-16' >&2\n";
            default -> throw new IllegalArgumentException(kind);
        };
        Path java = Files.writeString(home.resolve("java"), script);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (release != null) {
            Files.writeString(home.getParent().resolve("release"), release);
        }
        return home.getParent();
    }

    private Path javaCallsLog() {
        return resources.dir().resolve("java-calls.log");
    }

    private List<String> javaCalls() throws IOException {
        return Files.exists(javaCallsLog()) ? Files.readAllLines(javaCallsLog()) : List.of();
    }

    private static String realRelease() throws IOException {
        return Files.readString(Paths.get(System.getProperty("java.home"), "release"), StandardCharsets.UTF_8);
    }

    /** The built tree copied file by file (times kept), archive and all, into this test's directory. */
    private Path copyOfTheBuiltTree() throws IOException {
        Path built = GostProcess.home();
        Path copy = resources.dir().resolve("moved-gost");
        try (Stream<Path> paths = Files.walk(built)) {
            for (Path each : paths.collect(Collectors.toList())) {
                Path target = copy.resolve(built.relativize(each).toString());
                if (Files.isDirectory(each)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(each, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }

    private Path unpackedTarball() {
        Path archive = Paths.get(System.getProperty("gost.dist.archive", "target/gost-"
                + System.getProperty("gost.version", "0.1.0-SNAPSHOT") + ".tar.gz")).toAbsolutePath();
        ManagedProcess tar = resources.process("tar", List.of("tar", "-xzf", archive.toString()));
        assertThat(tar.awaitExit()).as(tar::describe).isZero();
        return resources.dir().resolve(archive.getFileName().toString().replaceFirst("\\.tar\\.gz$", ""));
    }

    /** Nothing from the JVM's class-data sharing: bin/gost must fall back without a warning or error. */
    private static void assertNoWordFromTheJvmAboutSharing(GostProcess gost) {
        assertThat(gost.output()).as(gost::describe)
                .doesNotContain("[cds")
                .doesNotContain("shared archive")
                .doesNotContainPattern("\\[(warning|error) *\\]");
    }
}
