package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code gost check} with every bundled plugin: it prints the plan, and fails for what would not run. */
class CheckIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void printsThePlanWithTheJarOfEachPluginAndEveryEffectiveOption() {
        GostProcess gost = resources.gost("check", "-L", "socks5://user:pass@127.0.0.1:1080?udp=true",
                "-F", "http://127.0.0.1:3128");

        assertThat(gost.awaitExit()).as(gost::describe).isZero();
        assertThat(gost.stdout()).as(gost::describe)
                .contains("service service-0 (-L 'socks5://user:pass@127.0.0.1:1080?udp=true')")
                .contains("listener tcp from io.gost.plugin.tcp (gost-plugin-tcp-")
                .contains("backlog=4096 (default)")
                .contains("handler  socks5 from io.gost.plugin.socks (gost-plugin-socks-")
                .contains("clients must authenticate (1 inline user(s))")
                .contains("dial     through chain chain-0; timeout 15s (default); retries 0")
                .contains("hop hop-0: selector round, maxFails 1, failTimeout 10s")
                .contains("node-0 127.0.0.1:3128")
                .contains("connector http from io.gost.plugin.http (gost-plugin-http-")
                .contains("configuration OK: 1 service(s), 1 chain(s)");
    }

    @Test
    void failsForATypoInTheSchemeListingTheKnownTypes() {
        GostProcess gost = resources.gost("check", "-L", "htp://:8080");

        assertThat(gost.awaitExit()).as(gost::describe).isEqualTo(2);
        assertThat(gost.stderr()).as(gost::describe)
                .contains("-L 'htp://:8080': handler.type: unknown handler type 'htp'; handler types here: auto,")
                .contains("http")
                .contains("socks5");
    }

    @Test
    void failsForAKeyThatIsNotGostsWithTheNearestOne() throws IOException {
        Path file = resources.dir().resolve("typo.yaml");
        Files.writeString(file, """
                services:
                - name: web
                  addr: 127.0.0.1:8080
                  handler:
                    type: http
                    auht:
                      username: u
                      password: p
                """);

        GostProcess gost = resources.gost("check", file.toString());

        assertThat(gost.awaitExit()).as(gost::describe).isEqualTo(2);
        assertThat(gost.stderr()).as(gost::describe)
                .contains("typo.yaml:6: services[0].handler.auht: unknown key 'auht'; did you mean 'auth'?");
    }

    @Test
    void failsForANamespaceThatDoesNotExistNamingTheServiceAndTheFix() {
        String missing = "gost-missing-" + UUID.randomUUID().toString().substring(0, 8);

        GostProcess gost = resources.gost("check", "-L", "tcp://127.0.0.1:8000/127.0.0.1:9000?netns=" + missing);

        assertThat(gost.awaitExit()).as(gost::describe).isEqualTo(2);
        assertThat(gost.stderr()).as(gost::describe).contains("service service-0: network namespace '" + missing
                + "' does not exist: /run/netns/" + missing + " not found; create it with `ip netns add " + missing
                + "`");
    }

    @Test
    void acceptsANamespaceThatExists() {
        try (TestNamespace namespace = TestNamespace.create("gost-check")) {
            GostProcess gost = resources.gost("check", "-L",
                    "tcp://127.0.0.1:8000/127.0.0.1:9000?netns=" + namespace.name());

            assertThat(gost.awaitExit()).as(gost::describe).isZero();
            assertThat(gost.stdout()).as(gost::describe)
                    .contains("listen   127.0.0.1:8000 in network namespace " + namespace.name() + " (/run/netns/"
                            + namespace.name() + ")")
                    .contains("network namespaces (provider 'linux'): " + namespace.name() + " exist");
        }
    }
}
