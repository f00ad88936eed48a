package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** GOST's {@code bypasses} and a service's {@code bypass}, from every front end. */
class BypassConfigTest {

    private static GostConfig yaml(String... lines) {
        return new YamlConfigLoader().parse(String.join("\n", lines) + "\n", "app.yaml");
    }

    @Test
    void yamlBypassesAndAServicesBypassAreMapped() {
        GostConfig config = yaml(
                "services:",
                "- name: proxy",
                "  addr: :8080",
                "  handler: {type: http}",
                "  bypass: no-local",
                "bypasses:",
                "- name: no-local",
                "  matchers: [127.0.0.0/8, localhost, '*.internal']",
                "- name: only-web",
                "  whitelist: true",
                "  matchers: ['.example.com:443']");

        assertThat(config.services().get(0).bypass()).isEqualTo("no-local");
        assertThat(config.bypasses()).extracting(BypassConfig::name, BypassConfig::whitelist, BypassConfig::matchers)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("no-local", false,
                                List.of("127.0.0.0/8", "localhost", "*.internal")),
                        org.assertj.core.groups.Tuple.tuple("only-web", true, List.of(".example.com:443")));
        assertThat(config.bypasses().get(0).origin().toString()).startsWith("app.yaml:7");
    }

    @Test
    void hoconGivesTheSameModelAsYaml() {
        GostConfig hocon = new HoconConfigLoader().parse(String.join("\n",
                "services = [{ name = proxy, addr = \":8080\", handler { type = http }, bypasses = [no-local] }]",
                "bypasses = [{ name = no-local, matchers = [\"127.0.0.0/8\", localhost] }]") + "\n", "app.conf");
        GostConfig yaml = yaml(
                "services:",
                "- {name: proxy, addr: ':8080', handler: {type: http}, bypass: no-local}",
                "bypasses:",
                "- {name: no-local, matchers: [127.0.0.0/8, localhost]}");

        assertThat(ConfigModels.withoutOrigins(hocon)).isEqualTo(ConfigModels.withoutOrigins(yaml));
    }

    @Test
    void commandLineBypassMakesANamedBypassForItsService() {
        GostConfig config = new CommandLineParser().parse(
                List.of("http://:8080?bypass=127.0.0.0/8,localhost", "http://:8081", "socks5://:1080?bypass=~example.com"),
                List.of());

        assertThat(config.services()).extracting(ServiceConfig::bypass).containsExactly("bypass-0", null, "bypass-1");
        assertThat(config.bypasses()).extracting(BypassConfig::name, BypassConfig::whitelist, BypassConfig::matchers)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("bypass-0", false, List.of("127.0.0.0/8", "localhost")),
                        org.assertj.core.groups.Tuple.tuple("bypass-1", true, List.of("example.com")));
        assertThat(config.services().get(0).handler().metadata().contains("bypass"))
                .as("consumed, not passed on as an option").isFalse();
        assertThat(config.services().get(0).metadata().contains("bypass")).isFalse();
    }

    @Test
    void printedConfigurationLoadsBackWithItsBypasses() {
        GostConfig commandLine = new CommandLineParser().parse(List.of("http://:8080?bypass=~10.0.0.0/8"), List.of());

        GostConfig reloaded = new YamlConfigLoader().parse(ConfigWriter.toYaml(commandLine), "printed.yaml");

        assertThat(ConfigModels.withoutOrigins(reloaded)).isEqualTo(ConfigModels.withoutOrigins(commandLine));
    }

    @Test
    void aServiceNamesEveryBypassOfBypassAndBypassesOnceEach() {
        GostConfig config = yaml(
                "services:",
                "- {name: proxy, addr: ':8080', bypass: a, bypasses: [b, a, c]}");

        assertThat(config.services().get(0).controls().bypasses()).containsExactly("a", "b", "c");
    }

    @Test
    void whitelistMustBeABoolean() {
        assertThatThrownBy(() -> yaml(
                "bypasses:",
                "- {name: a, whitelist: sometimes, matchers: []}"))
                .hasMessageContaining("bypasses[0].whitelist: expected true or false");
    }
}
