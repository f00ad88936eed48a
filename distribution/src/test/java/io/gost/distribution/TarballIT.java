package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tar.gz is the same tree as target/gost, and runs wherever it is unpacked. */
class TarballIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void unpackedTarballRunsFromItsOwnDirectory() throws IOException {
        Path archive = Paths.get(System.getProperty("gost.dist.archive", "target/gost-"
                + System.getProperty("gost.version", "0.1.0-SNAPSHOT") + ".tar.gz")).toAbsolutePath();
        assertThat(archive).as("the archive built by package").isRegularFile();
        ManagedProcess tar = resources.process("tar", List.of("tar", "-xzf", archive.toString()));
        assertThat(tar.awaitExit()).as(tar::describe).isZero();
        String top = archive.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
        Path home = resources.dir().resolve(top);

        GostProcess gost = resources.gostThrough(home.resolve("bin/gost"), "", "-V");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(home.resolve("plugins/README.txt")).isRegularFile();
        assertThat(home.resolve("conf/gost.conf")).isRegularFile();
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(jar -> jar.getFileName().toString()))
                    .anyMatch(name -> name.matches("netty-transport-native-epoll-.*-linux-x86_64\\.jar"));
        }
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("examples/quickstart.yaml")).isRegularFile();
        assertThat(home.resolve("examples/netns/seed-3-chain.yaml")).isRegularFile();
        assertThat(home.resolve("examples/socks4-plugin/target")).doesNotExist();
    }

    @Test
    void everyFileTheShippedConfigurationMentionsIsInTheTreeAndItPassesCheck() throws IOException {
        Path home = GostProcess.home();
        String shipped = Files.readString(home.resolve("conf/gost.conf"));
        Matcher mentioned = Pattern.compile("\\b(?:examples|conf|bin)/[\\w./-]+[\\w]").matcher(shipped);
        int found = 0;
        while (mentioned.find()) {
            found++;
            assertThat(home.resolve(mentioned.group())).as("conf/gost.conf mentions %s", mentioned.group()).exists();
        }
        assertThat(found).as("paths mentioned in conf/gost.conf").isPositive();
        for (String file : List.of("conf/gost.conf", "examples/quickstart.conf", "examples/quickstart.yaml")) {
            GostProcess gost = resources.gost("check", home.resolve(file).toString());
            assertThat(gost.awaitExit()).as(gost::describe).isZero();
        }
    }
}
