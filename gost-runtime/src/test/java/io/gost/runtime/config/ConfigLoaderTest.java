package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Picking the front end by file name, standard input, and the shipped examples. */
class ConfigLoaderTest {

    /** The repository's examples directory, seen from the module directory surefire runs in. */
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void yamlAndYmlFilesAreReadAsYaml(@TempDir Path directory) throws IOException {
        String yaml = "services:\n- addr: :8080\n  handler: {type: http}\n";
        Path dotYml = Files.writeString(directory.resolve("gost.YML"), yaml);
        Path dotYaml = Files.writeString(directory.resolve("gost.yaml"), yaml);

        assertThat(ConfigLoader.load(dotYml).services().get(0).handler().type()).isEqualTo("http");
        assertThat(ConfigLoader.load(dotYaml).source()).isEqualTo(dotYaml.toString());
    }

    @Test
    void confAndHoconFilesAreReadAsHocon(@TempDir Path directory) throws IOException {
        String hocon = "services = [{ addr = \":8080\", handler.type = socks5 }]\n";
        Path conf = Files.writeString(directory.resolve("gost.conf"), hocon);
        Path dotHocon = Files.writeString(directory.resolve("gost.hocon"), hocon);

        assertThat(ConfigLoader.load(conf).services().get(0).handler().type()).isEqualTo("socks5");
        assertThat(ConfigLoader.load(dotHocon).services().get(0).handler().type()).isEqualTo("socks5");
    }

    @Test
    void dashReadsYamlFromStandardInput() {
        ByteArrayInputStream stdin = new ByteArrayInputStream(
                "services:\n- addr: :1080\n  handler: {type: socks5}\n".getBytes(StandardCharsets.UTF_8));

        GostConfig config = ConfigLoader.load(Path.of("-"), stdin);

        assertThat(config.source()).isEqualTo("<stdin>");
        assertThat(config.services().get(0).addr()).isEqualTo(":1080");
    }

    @Test
    void aValueStartingWithABraceIsTheConfigurationAsJson() {
        GostConfig config = ConfigLoader.load(Path.of("{\"services\":[{\"name\":\"s\",\"addr\":\":8080\","
                + "\"handler\":{\"type\":\"http\"}}]}"));

        assertThat(config.services()).singleElement().satisfies(service -> {
            assertThat(service.addr()).isEqualTo(":8080");
            assertThat(service.handler().type()).isEqualTo("http");
        });
    }

    @Test
    void aUrlIsRefusedAsNotSupportedYet() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("https://example.com/gost.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("-C 'https:/example.com/gost.yaml': a configuration read from a URL is GOST's,"
                        + " but gost-java does not support it yet");
    }

    @Test
    void everyShippedExampleLoads() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            examples = files.filter(Files::isRegularFile).filter(ConfigLoaderTest::isConfigFile).sorted().toList();
        }

        assertThat(examples).extracting(path -> EXAMPLES.relativize(path).toString().replace('\\', '/'))
                .contains("quickstart.conf", "quickstart.yaml",
                        "netns/seed-1-listen-in-ns1.yaml", "netns/seed-1-listen-in-ns1.conf",
                        "netns/seed-2-netns-out.yaml", "netns/seed-2-netns-out.conf",
                        "netns/seed-3-chain.yaml", "netns/seed-3-chain.conf", "k8s/gost.yaml");
        assertThat(examples).allSatisfy(example ->
                assertThat(ConfigLoader.load(example).services()).as(example.toString()).isNotEmpty());
    }

    @Test
    void quickstartIsTheSameInYamlAndHocon() {
        assertThat(ConfigModels.withoutOrigins(ConfigLoader.load(EXAMPLES.resolve("quickstart.conf"))))
                .isEqualTo(ConfigModels.withoutOrigins(ConfigLoader.load(EXAMPLES.resolve("quickstart.yaml"))));
    }

    @Test
    void shippedSeedExamplesAreTheSeedFilesOnDocsNetnsAddresses() throws IOException {
        // GOST's page uses 10.0.0.x/10.0.1.x and, for the first example, target :8080 in its YAML next to :8000
        // in its command line; docs/netns.md and the examples use 198.18.0.x/198.18.1.x and :8000.
        for (String seed : List.of("seed-1-listen-in-ns1.yaml", "seed-2-netns-out.yaml", "seed-3-chain.yaml")) {
            String page = Files.readString(Path.of("src/test/resources/config/seed").resolve(seed))
                    .replace("10.0.0.", "198.18.0.").replace("10.0.1.", "198.18.1.");
            if (seed.startsWith("seed-1")) {
                page = page.replace("addr: :8080", "addr: :8000");
            }
            assertThat(Files.readString(EXAMPLES.resolve("netns").resolve(seed))).isEqualTo(page);
        }
    }

    private static boolean isConfigFile(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        // examples/k8s holds Kubernetes manifests beside its gost.yaml (KubernetesExampleIT checks them).
        if (path.getParent() != null && path.getParent().getFileName().toString().equals("k8s")) {
            return name.equals("gost.yaml");
        }
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".conf") || name.endsWith(".json");
    }
}
