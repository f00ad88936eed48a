package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GOST schema read from HOCON and JSON, through the same mapper as YAML. */
class HoconConfigLoaderTest {

    private static GostConfig hocon(String... lines) {
        return new HoconConfigLoader().parse(String.join("\n", lines) + "\n", "app.conf");
    }

    @Test
    void unquotedAndQuotedDottedMetadataKeysMeanTheSame() {
        Metadata unquoted = hocon("services = [{ addr = \":8080\", metadata { netns.out = /run/netns/ns2 } }]")
                .services().get(0).metadata();
        Metadata quoted = hocon("services = [{ addr = \":8080\", metadata { \"netns.out\" = /run/netns/ns2 } }]")
                .services().get(0).metadata();

        assertThat(unquoted).isEqualTo(Metadata.of("netns.out", "/run/netns/ns2"));
        assertThat(quoted).isEqualTo(unquoted);
    }

    @Test
    void netnsProviderCanBeWrittenAsAPath() {
        assertThat(hocon("netns.provider = linux").netnsProvider()).isEqualTo("linux");
        assertThat(hocon("netns { provider = linux }").netnsProvider()).isEqualTo("linux");
    }

    @Test
    void substitutionsAreResolvedAndXKeysHoldSharedValues() {
        ServiceConfig service = hocon(
                "x-proxy-port = 8080",
                "services = [{ addr = \":\"${x-proxy-port}, handler.type = http }]").services().get(0);

        assertThat(service.addr()).isEqualTo(":8080");
        assertThat(service.handler().type()).isEqualTo("http");
    }

    @Test
    void aJsonFileGivesTheModelOfTheSameYaml(@TempDir Path directory) throws Exception {
        Path json = Files.writeString(directory.resolve("app.json"), """
                {
                  "services": [
                    {
                      "name": "web",
                      "addr": ":8080",
                      "handler": {"type": "http", "chain": "chain-0"},
                      "metadata": {"netns": "ns1", "netns.out": "/run/netns/ns2"}
                    }
                  ],
                  "chains": [
                    {"name": "chain-0", "hops": [{"name": "hop-0", "nodes": [{"name": "node-0", "addr": "192.0.2.1:8080"}]}]}
                  ]
                }
                """);
        Path yaml = Files.writeString(directory.resolve("app.yaml"), """
                services:
                - name: web
                  addr: :8080
                  handler: {type: http, chain: chain-0}
                  metadata: {netns: ns1, netns.out: /run/netns/ns2}
                chains:
                - name: chain-0
                  hops:
                  - name: hop-0
                    nodes:
                    - name: node-0
                      addr: 192.0.2.1:8080
                """);

        assertThat(ConfigModels.withoutOrigins(ConfigLoader.load(json)))
                .isEqualTo(ConfigModels.withoutOrigins(ConfigLoader.load(yaml)));
    }

    @Test
    void originsNameTheFileLineAndKeyPath(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("app.conf"), String.join("\n",
                "# proxies",
                "services = [",
                "  {",
                "    name = web",
                "    addr = \":8080\"",
                "    handler {",
                "      type = http",
                "    }",
                "  }",
                "]",
                ""));

        ServiceConfig service = ConfigLoader.load(file).services().get(0);

        assertThat(service.origin()).isEqualTo(new Origin(file.toString(), 3, "services[0]"));
        assertThat(service.handler().origin()).isEqualTo(new Origin(file.toString(), 6, "services[0].handler"));
    }
}
