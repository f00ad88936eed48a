package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
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
    }
}
