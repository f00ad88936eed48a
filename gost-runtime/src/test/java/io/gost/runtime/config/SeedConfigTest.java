package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The YAML files of GOST's "Network Namespace" page, verbatim, give the same model as their HOCON twins
 * and as the command lines printed next to them.
 */
class SeedConfigTest {

    private static final Path SEED = Path.of("src/test/resources/config/seed");

    private static GostConfig load(String file) {
        return ConfigLoader.load(SEED.resolve(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-1-listen-in-ns1", "seed-2-netns-out", "seed-3-chain"})
    void yamlAndHoconTwinGiveTheSameModel(String seed) {
        GostConfig yaml = load(seed + ".yaml");
        GostConfig hocon = load(seed + ".conf");

        assertThat(ConfigModels.withoutOrigins(hocon)).isEqualTo(ConfigModels.withoutOrigins(yaml));
    }

    @Test
    void seedOneListensInNs1AndForwardsFromTheDefaultNamespace() {
        GostConfig config = load("seed-1-listen-in-ns1.yaml");

        ServiceConfig service = config.services().get(0);
        assertThat(service.name()).isEqualTo("service-0");
        assertThat(service.addr()).isEqualTo("10.0.0.1:8000");
        assertThat(service.handler().type()).isEqualTo("tcp");
        assertThat(service.listener().type()).isEqualTo("tcp");
        assertThat(service.forwarder().nodes()).singleElement().satisfies(node -> {
            assertThat(node.name()).isEqualTo("target-0");
            assertThat(node.addr()).isEqualTo(":8080");
            assertThat(node.connector()).isNull();
            assertThat(node.dialer()).isNull();
        });
        assertThat(service.metadata()).isEqualTo(Metadata.of("netns", "ns1"));
        assertThat(service.origin()).isEqualTo(new Origin(SEED.resolve("seed-1-listen-in-ns1.yaml").toString(), 2,
                "services[0]"));
        assertThat(config.chains()).isEmpty();
    }

    @Test
    void seedTwoKeepsTheDottedNetnsOutKey() {
        ServiceConfig service = load("seed-2-netns-out.yaml").services().get(0);

        assertThat(service.metadata()).isEqualTo(Metadata.of("netns", "ns1", "netns.out", "/run/netns/ns2"));
    }

    @Test
    void seedThreePutsNetnsOnTheHop() {
        GostConfig config = load("seed-3-chain.yaml");

        assertThat(config.services().get(0).handler().chain()).isEqualTo("chain-0");
        HopConfig hop = config.chain("chain-0").orElseThrow().hops().get(0);
        assertThat(hop.name()).isEqualTo("hop-0");
        assertThat(hop.metadata()).isEqualTo(Metadata.of("netns", "ns2"));
        assertThat(hop.nodes()).singleElement().satisfies(node -> {
            assertThat(node.addr()).isEqualTo("10.0.1.1:8080");
            assertThat(node.connector().type()).isEqualTo("http");
            assertThat(node.dialer().type()).isEqualTo("tcp");
        });
    }

    @Test
    void seedTwoCommandLineGivesTheModelOfItsYaml() {
        GostConfig commandLine = new CommandLineParser().parse(
                List.of("tcp://10.0.0.1:8000/10.0.1.1:8000?netns=ns1&netns.out=/run/netns/ns2"), List.of());

        assertThat(ConfigModels.withoutOrigins(commandLine))
                .isEqualTo(ConfigModels.withoutOrigins(load("seed-2-netns-out.yaml")));
    }

    @Test
    void seedThreeCommandLineGivesTheModelOfItsYaml() {
        GostConfig commandLine = new CommandLineParser().parse(
                List.of("tcp://10.0.0.1:8000/10.0.1.11:8000?netns=ns1"), List.of("http://10.0.1.1:8080?netns=ns2"));

        assertThat(ConfigModels.withoutOrigins(commandLine))
                .isEqualTo(ConfigModels.withoutOrigins(load("seed-3-chain.yaml")));
    }

    @Test
    void seedOneCommandLineDiffersFromItsYamlOnlyInTheTargetPortThePageMisprints() {
        // GOST's page prints "-L tcp://10.0.0.1:8000/:8000?netns=ns1" next to YAML whose target is :8080.
        GostConfig commandLine = new CommandLineParser().parse(
                List.of("tcp://10.0.0.1:8000/:8080?netns=ns1"), List.of());

        assertThat(ConfigModels.withoutOrigins(commandLine))
                .isEqualTo(ConfigModels.withoutOrigins(load("seed-1-listen-in-ns1.yaml")));
    }
}
