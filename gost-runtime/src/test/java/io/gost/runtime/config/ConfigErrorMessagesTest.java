package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a user reads when a configuration is wrong: file, line, key path, and what to do. */
class ConfigErrorMessagesTest {

    private static GostConfig yaml(String... lines) {
        return new YamlConfigLoader().parse(String.join("\n", lines) + "\n", "app.yaml");
    }

    private static GostConfig hocon(String... lines) {
        return new HoconConfigLoader().parse(String.join("\n", lines) + "\n", "app.conf");
    }

    @Test
    void yamlSyntaxErrorNamesTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- name: web",
                "  addr: :8080",
                " handler: {type: http}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("app.yaml:4: YAML syntax error: expected <block end>, but found '<block mapping start>'"
                        + " (while parsing a block mapping that started at line 1); check the indentation and that"
                        + " every key is followed by ': '");
    }

    @Test
    void yamlUnclosedQuoteNamesWhereTheStringStarted() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- addr: ':8080"))
                .hasMessage("app.yaml:3: YAML syntax error: found unexpected end of stream"
                        + " (while scanning a quoted scalar that started at line 2)");
    }

    @Test
    void hoconSyntaxErrorNamesTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> hocon(
                "services = [",
                "  { name = web",
                "    addr = \":8080\"",
                "]"))
                .isInstanceOf(ConfigException.class)
                // typesafe-config says "expecting a close parentheses ')'"; this names the brace left open
                .hasMessage("app.conf:4: HOCON syntax error: ']' does not match the '{' opened on line 2: a '}' is"
                        + " missing between them");
    }

    @Test
    void jsonSyntaxErrorSaysJson() {
        assertThatThrownBy(() -> new HoconConfigLoader().parse("{\n  \"services\": [],\n}\n", "app.json"))
                .hasMessage("app.json:3: JSON syntax error: expecting a field name after a comma, got a close brace }"
                        + " instead (if you intended '}' to be part of a key or string value, try enclosing the key"
                        + " or value in double quotes)");
    }

    @Test
    void missingAddrNamesTheServiceAndTheKey() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- name: web",
                "  handler: {type: http}"))
                .hasMessage("app.yaml:2: services[0].addr: service 'web' needs an addr such as :8080");
    }

    @Test
    void missingAddrInHoconNamesTheLineToo() {
        assertThatThrownBy(() -> hocon(
                "services = [",
                "  {",
                "    name = web",
                "  }",
                "]"))
                .hasMessage("app.conf:2: services[0].addr: service 'web' needs an addr such as :8080");
    }

    @Test
    void unknownKeySuggestsTheKeyThatWasMeant() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- name: web",
                "  addr: :8080",
                "  handler:",
                "    typ: http"))
                .hasMessage("app.yaml:5: services[0].handler.typ: unknown key 'typ'; did you mean 'type'?");
    }

    @Test
    void unknownKeyInHoconSuggestsTheKeyThatWasMeant() {
        assertThatThrownBy(() -> hocon(
                "services = [{",
                "  addr = \":8080\"",
                "  hanlder { type = http }",
                "}]"))
                .hasMessage("app.conf:3: services[0].hanlder: unknown key 'hanlder'; did you mean 'handler'?");
    }

    @Test
    void unknownKeyWithNothingCloseListsTheKnownKeys() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- addr: :8080",
                "  colour: blue"))
                .hasMessage("app.yaml:3: services[0].colour: unknown key 'colour';"
                        + " a service has name, addr, handler, listener, forwarder, admission, admissions, bypass,"
                        + " bypasses, limiter, climiter, rlimiter, quotas, hosts, resolver, interface, sockopts,"
                        + " metadata");
    }

    @Test
    void aListWhereAMapIsExpectedIsNamed() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- addr: :8080",
                "  handler:",
                "  - type: http"))
                .hasMessage("app.yaml:3: services[0].handler: expected a handler as a map of keys, got a list");
    }

    @Test
    void aKeyWrittenTwiceIsRefusedRatherThanOneSilentlyWinning() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- addr: :8080",
                "  Addr: :8081"))
                .hasMessage("app.yaml:3: services[0].Addr: key 'Addr' is given twice");
    }

    @Test
    void aMapWhereAListIsExpectedIsNamed() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "  addr: :8080"))
                .hasMessage("app.yaml:1: services: expected a list, got a map");
    }

    @Test
    void aBadDurationSaysWhatADurationLooksLike() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- addr: :8080",
                "  forwarder:",
                "    selector:",
                "      failTimeout: 10 seconds",
                "    nodes: [{addr: '192.0.2.1:80'}]"))
                .hasMessage("app.yaml:5: services[0].forwarder.selector.failTimeout: expected a duration such as 10s,"
                        + " 500ms, 1m30s or a number of seconds, got a string ('10 seconds')");
    }

    @Test
    void anUnknownStrategyListsTheKnownOnes() {
        assertThatThrownBy(() -> yaml(
                "hops:",
                "- selector: {strategy: fastest}",
                "  nodes: [{addr: '192.0.2.1:80'}]"))
                .hasMessage("app.yaml:2: hops[0].selector.strategy: unknown strategy 'fastest';"
                        + " use round (rr), random (rand), fifo (ha) or hash");
    }

    @Test
    void aHopReferenceToNoTopLevelHopSaysSo() {
        assertThatThrownBy(() -> yaml(
                "hops:",
                "- name: upstream",
                "  nodes: [{addr: '192.0.2.1:3128'}]",
                "chains:",
                "- name: out",
                "  hops:",
                "  - name: upstraem"))
                .hasMessage("app.yaml:7: chains[0].hops[0].name: no top-level hop is called 'upstraem';"
                        + " did you mean 'upstream'?");
    }

    @Test
    void aHopWithoutNodesSaysSo() {
        assertThatThrownBy(() -> yaml(
                "hops:",
                "- name: upstream",
                "  nodes: []"))
                .hasMessage("app.yaml:2: hops[0].nodes: hop 'upstream' has no nodes");
    }

    @Test
    void aBadPortOnTheCommandLineNamesTheFlagAndPart() {
        assertThatThrownBy(() -> new CommandLineParser().parse(List.of("tcp://:abc"), List.of()))
                .hasMessage("-L 'tcp://:abc': port 'abc' is not a number");
    }

    @Test
    void anUnknownFileExtensionListsTheKnownOnes() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("gost.toml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("gost.toml: unknown config file type, use .yaml, .yml, .conf or .json");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("no-such-dir", "gost.yaml")))
                .hasMessage(Path.of("no-such-dir", "gost.yaml") + ": no such file");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- name: web",
                "  handler: {type: http, retries: -1}",
                "- name: socks",
                "  addr: :1080",
                "  listener: {tpye: tcp}",
                "log: {level: loud}"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "app.yaml:3: services[0].handler.retries: retries must be 0 or more, got -1",
                        "app.yaml:2: services[0].addr: service 'web' needs an addr such as :8080",
                        "app.yaml:6: services[1].listener.tpye: unknown key 'tpye'; did you mean 'type'?",
                        "app.yaml:7: log.level: unknown level 'loud'; use trace, debug, info, warn, error, fatal"));
    }
}
