package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The third-party SOCKS4 plugin of examples/socks4-plugin, a jar the gost build never saw, dropped into a
 * plugins directory of the built distribution and carrying real traffic: as a connector through
 * dante-server, and as a handler serving curl.
 */
class Socks4PluginIT {

    /** Built by the reactor before this module (see the root pom's module order). */
    private static final Path EXAMPLE_TARGET = Path.of("..", "examples", "socks4-plugin", "target");

    @RegisterExtension
    final TestResources resources = new TestResources();

    private Path pluginsDirectory;

    @BeforeEach
    void copyThePluginJarIntoAPluginsDirectory() throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(EXAMPLE_TARGET)) {
            jar = files.filter(file -> file.getFileName().toString().matches("gost-socks4-plugin-.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().endsWith("-tests.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no plugin jar in " + EXAMPLE_TARGET.toAbsolutePath()
                            + "; build the reactor (./mvnw verify) so examples/socks4-plugin is packaged first"));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        pluginsDirectory = Files.createDirectories(resources.dir().resolve("plugins"));
        Files.copy(jar, pluginsDirectory.resolve(jar.getFileName()));
    }

    @Test
    void gostPluginsListsTheTypesTheJarProvides() {
        ManagedProcess listing = resources.process("gost-plugins", List.of(GostProcess.launcher().toString(),
                "--plugins", pluginsDirectory.toString(), "plugins"));

        assertThat(listing.awaitExit()).isZero();
        assertThat(listing.output())
                .containsPattern("connector\\s+socks4\\s+com.example.gost.socks4 \\(gost-socks4-plugin-[^)]*\\.jar\\)\\s+1")
                .containsPattern("handler\\s+socks4a\\s+com.example.gost.socks4");
    }

    @Test
    void theSocks4ConnectorCarriesAPayloadThroughDante() {
        EchoServer echo = resources.add(new EchoServer());
        int dantePort = resources.freePort();
        Socks5Peers.dante(resources, dantePort).awaitPort(dantePort);
        int forwardPort = resources.freePort();
        resources.gost("--plugins", pluginsDirectory.toString(),
                        "-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + echo.port(),
                        "-F", "socks4://127.0.0.1:" + dantePort)
                .awaitPort(forwardPort);

        byte[] payload = Payloads.random(2 * 1024 * 1024, 44);
        Payloads.assertSameBytes(payload, Payloads.echoThrough(forwardPort, payload));
    }

    @Test
    void curlReachesAnOriginThroughTheSocks4aHandler() {
        OriginServer origin = resources.add(new OriginServer());
        int socksPort = resources.freePort();
        resources.gost("--plugins", pluginsDirectory.toString(), "-L", "socks4://127.0.0.1:" + socksPort)
                .awaitPort(socksPort);

        Curl.Result result = Curl.run(resources.dir(), "--socks4a", "127.0.0.1:" + socksPort,
                origin.url("/hello"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }
}
