package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** bin/gost as a shell user meets it first: version, help, mistakes, the shipped configuration. */
class CommandLineIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void versionFlagPrintsTheVersionAndExitsZero() {
        GostProcess gost = resources.gost("-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains(expectedVersion());
    }

    @Test
    void helpFlagDescribesTheFlagsAndExitsZero() {
        GostProcess gost = resources.gost("--help");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains("-L").contains("-F").contains("run");
    }

    @Test
    void unknownFlagExitsNonZeroNamingTheFlag() {
        GostProcess gost = resources.gost("--no-such-flag");

        assertThat(gost.awaitExit()).as(gost::describe).isNotZero();
        assertThat(gost.output()).as(gost::describe).contains("--no-such-flag");
    }

    @Test
    void groupsSeparatedByDoubleDashEachGetTheirOwnChainAsGostsProcessesDo() {
        GostProcess gost = resources.gost("-O", "yaml", "-L", "http://127.0.0.1:8080", "--",
                "-L", "socks5://127.0.0.1:1080", "-F", "http://127.0.0.1:8080");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe)
                .contains("name: service-0").contains("name: service-1").contains("chain: chain-0")
                .containsOnlyOnce("chain: chain-0");
    }

    @Test
    void terminateSignalStopsAServingGostWithExitCodeZero() {
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + port).awaitPort(port);

        gost.close();

        // The launcher execs java, so SIGTERM reaches the JVM and its exit code reaches the caller.
        assertThat(gost.exitCode()).as(gost::describe).isZero();
    }

    @Test
    void launcherFindsItsHomeThroughAChainOfSymlinks() throws IOException {
        Path firstLink = Files.createSymbolicLink(resources.dir().resolve("gost-link"), GostProcess.launcher());
        Path secondLink = Files.createDirectories(resources.dir().resolve("bin"))
                .resolve("gost");
        Files.createSymbolicLink(secondLink, Path.of("..", firstLink.getFileName().toString()));

        GostProcess gost = resources.gostThrough(secondLink, "", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains(expectedVersion());
    }

    @Test
    void pluginsCommandListsTheBundledPlugins() {
        GostProcess gost = resources.gost("plugins");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe).contains("http").contains("forward").contains("linux");
    }

    @Test
    void shippedConfigurationPassesCheck() {
        Path shipped = GostProcess.home().resolve("conf/gost.conf");

        GostProcess gost = resources.gost("check", shipped.toString());

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
    }

    /** The project version the build passes in; a bare version pattern when run outside Maven. */
    private static String expectedVersion() {
        return System.getProperty("gost.version", ".");
    }
}
