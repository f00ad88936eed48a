package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.Credentials;
import io.gost.api.Metadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GOST schema read from YAML: defaults, references and the keys GOST files use. */
class YamlConfigLoaderTest {

    private static GostConfig yaml(String... lines) {
        return new YamlConfigLoader().parse(String.join("\n", lines) + "\n", "app.yaml");
    }

    @Test
    void anEmptyDocumentHasNoServices() {
        GostConfig config = yaml("# nothing yet");

        assertThat(config.services()).isEmpty();
        assertThat(config.source()).isEqualTo("app.yaml");
        assertThat(config.log()).isEqualTo(LogConfig.DEFAULT);
        assertThat(config.netnsProvider()).isNull();
    }

    @Test
    void aServiceDefaultsToAnAutoHandlerOnTcpNamedByIndex() {
        GostConfig config = yaml(
                "services:",
                "- addr: :8080",
                "- addr: :8081",
                "  handler: {}",
                "  listener:",
                "    metadata: {backlog: 128}");

        assertThat(config.services()).extracting(ServiceConfig::name).containsExactly("service-0", "service-1");
        assertThat(config.services()).allSatisfy(service -> {
            assertThat(service.handler().type()).isEqualTo("auto");
            assertThat(service.listener().type()).isEqualTo("tcp");
        });
        assertThat(config.services().get(1).listener().metadata()).isEqualTo(Metadata.of(Map.of("backlog", 128)));
    }

    @Test
    void unnamedThingsAreNumberedAndUnsetTransportsAreLeftToPlanning() {
        GostConfig config = yaml(
                "chains:",
                "- hops:",
                "  - nodes:",
                "    - addr: 192.0.2.1:8080",
                "    - addr: 192.0.2.2:1080",
                "      connector: {type: socks5}",
                "      dialer: {type: tls}");

        ChainConfig chain = config.chains().get(0);
        assertThat(chain.name()).isEqualTo("chain-0");
        HopConfig hop = chain.hops().get(0);
        assertThat(hop.name()).isEqualTo("hop-0");
        assertThat(hop.nodes()).extracting(NodeConfig::name).containsExactly("node-0", "node-1");
        // The same top-level hop may serve a chain (http over tcp by default) or a forwarder (dialed directly).
        assertThat(hop.nodes().get(0).connector()).isNull();
        assertThat(hop.nodes().get(0).dialer()).isNull();
        assertThat(hop.nodes().get(1).connector().type()).isEqualTo("socks5");
        assertThat(hop.nodes().get(1).dialer().type()).isEqualTo("tls");
    }

    @Test
    void forwarderNodesKeepWhatTheyName() {
        HopConfig forwarder = yaml(
                "services:",
                "- name: web",
                "  addr: :8080",
                "  handler: {type: tcp}",
                "  forwarder:",
                "    selector: {strategy: fifo, maxFails: 3, failTimeout: 30}",
                "    nodes:",
                "    - addr: 192.0.2.1:80",
                "    - addr: 192.0.2.2:80",
                "      connector: {type: http}").services().get(0).forwarder();

        assertThat(forwarder.name()).isEqualTo("web");
        assertThat(forwarder.selector()).isEqualTo(new SelectorConfig("fifo", 3, Duration.ofSeconds(30)));
        assertThat(forwarder.nodes()).extracting(NodeConfig::name).containsExactly("target-0", "target-1");
        assertThat(forwarder.nodes().get(0).connector()).isNull();
        assertThat(forwarder.nodes().get(0).dialer()).isNull();
        // Kept for planning to refuse: a forwarder target is dialed directly.
        assertThat(forwarder.nodes().get(1).connector().type()).isEqualTo("http");
        assertThat(forwarder.nodes().get(1).dialer()).isNull();
    }

    @Test
    void aChainHopWithOnlyANameIsTheTopLevelHopOfThatName() {
        GostConfig config = yaml(
                "hops:",
                "- name: upstream",
                "  selector: {strategy: random, failTimeout: 1m30s}",
                "  metadata: {netns: ns2}",
                "  nodes:",
                "  - name: proxy",
                "    addr: 192.0.2.1:3128",
                "chains:",
                "- name: out",
                "  hops:",
                "  - name: upstream");

        HopConfig hop = config.chain("out").orElseThrow().hops().get(0);
        assertThat(hop.name()).isEqualTo("upstream");
        assertThat(hop.selector()).isEqualTo(new SelectorConfig("random", 1, Duration.ofSeconds(90)));
        assertThat(hop.metadata()).isEqualTo(Metadata.of("netns", "ns2"));
        assertThat(hop.nodes()).extracting(NodeConfig::name).containsExactly("proxy");
    }

    @Test
    void aForwarderCanUseATopLevelHop() {
        GostConfig config = yaml(
                "hops:",
                "- name: backends",
                "  nodes:",
                "  - addr: 192.0.2.1:80",
                "services:",
                "- addr: :8080",
                "  handler: {type: tcp}",
                "  forwarder: {hop: backends}");

        assertThat(config.services().get(0).forwarder().name()).isEqualTo("backends");
        assertThat(config.services().get(0).forwarder().nodes()).extracting(NodeConfig::addr)
                .containsExactly("192.0.2.1:80");
    }

    @Test
    void authersAuthAndTheirReferencesAreRead() {
        GostConfig config = yaml(
                "authers:",
                "- name: users",
                "  auths:",
                "  - {username: alice, password: wonderland}",
                "  - username: bob",
                "services:",
                "- addr: :8080",
                "  handler:",
                "    type: http",
                "    auther: users",
                "- addr: :1080",
                "  handler:",
                "    type: socks5",
                "    authers: [users]",
                "- addr: :8443",
                "  handler:",
                "    type: http",
                "    auth: {username: admin, password: secret}");

        assertThat(config.auther("users").orElseThrow().auths())
                .containsExactly(new Credentials("alice", "wonderland"), new Credentials("bob", ""));
        assertThat(config.services()).extracting(service -> service.handler().authers())
                .containsExactly(List.of("users"), List.of("users"), List.of());
        assertThat(config.services().get(2).handler().auth()).isEqualTo(new Credentials("admin", "secret"));
    }

    @Test
    void handlerRetriesAndChainAreRead() {
        PluginConfig handler = yaml(
                "services:",
                "- addr: :8080",
                "  handler: {type: http, retries: 2, chain: chain-0}").services().get(0).handler();

        assertThat(handler.retries()).isEqualTo(2);
        assertThat(handler.chain()).isEqualTo("chain-0");
    }

    @Test
    void logAndNetnsProviderAreRead() {
        GostConfig config = yaml(
                "log:",
                "  level: debug",
                "  format: json",
                "  output: stderr",
                "netns:",
                "  provider: recording");

        assertThat(config.log()).isEqualTo(new LogConfig("debug", "json", "stderr"));
        assertThat(config.netnsProvider()).isEqualTo("recording");
    }

    @Test
    void gostKeysNotImplementedYetAreRefusedEachAtItsLine() {
        // The tls blocks load; planning judges them against the plugins that would read them.
        assertThatThrownBy(() -> yaml(
                "tls: {certFile: cert.pem, keyFile: key.pem}",
                "loggers: [{name: l, log: {output: stderr}}]",
                "recorders: []",
                "bypasses: [{name: bp, matchers: [example.com]}]",
                "services:",
                "- addr: :8080",
                "  bypass: bp",
                "  observer: o",
                "  handler: {type: http, tls: {certFile: a}}",
                "  listener: {type: tcp, chainGroup: {chains: [{chain: a, matcher: {rule: 'Host(`a.com`)'}}]}}"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "app.yaml:2: loggers: 'loggers' is GOST's, but gost-java does not support it yet (operations"
                                + " (API, metrics, logs, reload)); remove it, or run this configuration with GOST",
                        "app.yaml:3: recorders: 'recorders' is GOST's, but gost-java does not support it yet"
                                + " (recorders); remove it, or run this configuration with GOST",
                        "app.yaml:8: services[0].observer: 'observer' is GOST's, but gost-java does not support it"
                                + " yet (operations (API, metrics, logs, reload)); remove it, or run this configuration"
                                + " with GOST",
                        "app.yaml:10: services[0].listener.chainGroup.chains[0].matcher: 'matcher' is GOST's, but"
                                + " gost-java does not support it yet (routing (chain groups, matchers, ingress,"
                                + " routers)); remove it, or run this configuration with GOST"));
    }

    @Test
    void aLogFileWithGostsRotation() {
        GostConfig config = yaml("log:", "  output: /var/log/gost.log", "  format: json",
                "  rotation: {maxSize: 10, maxAge: 7, maxBackups: 3, localTime: true, compress: true}");

        assertThat(config.log()).isEqualTo(new LogConfig("info", "json", "/var/log/gost.log",
                new LogConfig.Rotation(10, 7, 3, true, true)));
    }

    @Test
    void rotationWithoutAFileIsRefused() {
        assertThatThrownBy(() -> yaml("log: {output: stdout, rotation: {maxSize: 1}}"))
                .hasMessage("app.yaml:1: log.rotation: rotation applies to a log file, and output is 'stdout'; set"
                        + " output to a file path or remove rotation");
    }

    @Test
    void logOutputNullIsGostsSpellingOfNone() {
        assertThat(yaml("log: {output: 'null'}").log().output()).isEqualTo("none");
    }

    @Test
    void theApiAndTheMetricsSections() {
        GostConfig config = yaml(
                "api:",
                "  addr: :18080",
                "  pathPrefix: api/",
                "  accesslog: true",
                "  auth: {username: admin, password: s3cret}",
                "metrics:",
                "  addr: 0.0.0.0:9000",
                "  auther: scrapers",
                "  clientLabel: true");

        assertThat(config.api()).isEqualTo(new ApiConfig(":18080", "/api", true,
                new io.gost.api.Credentials("admin", "s3cret"), null, config.api().origin()));
        assertThat(config.metrics()).isEqualTo(new MetricsConfig("0.0.0.0:9000", "/metrics", null, "scrapers", true,
                config.metrics().origin()));
        assertThat(config.api().origin().toString()).isEqualTo("app.yaml:1: api");
    }

    @Test
    void theApiNeedsAnAddress() {
        assertThatThrownBy(() -> yaml("api: {pathPrefix: /api}"))
                .hasMessage("app.yaml:1: api.addr: the API needs an addr such as 127.0.0.1:18080");
    }

    @Test
    void aKeyThatIsNotGostsIsATypoWithTheNearestKey() {
        assertThatThrownBy(() -> yaml(
                "services:",
                "- addr: :8080",
                "  handler: {type: http, auht: {username: u, password: p}}"))
                .hasMessage("app.yaml:3: services[0].handler.auht: unknown key 'auht'; did you mean 'auth'?");
    }

    @Test
    void keysIgnoreCaseAsInGost() {
        SelectorConfig selector = yaml(
                "Services:",
                "- Addr: :8080",
                "  Handler: {Type: tcp}",
                "  Forwarder:",
                "    Selector: {Strategy: rr, maxfails: 4, FAILTIMEOUT: 5s}",
                "    Nodes: [{addr: '192.0.2.1:80'}]").services().get(0).forwarder().selector();

        assertThat(selector).isEqualTo(new SelectorConfig("rr", 4, Duration.ofSeconds(5)));
    }

    @Test
    void nestedMetadataMapsBecomeDottedKeys() {
        Metadata metadata = yaml(
                "services:",
                "- addr: :8080",
                "  metadata:",
                "    netns.out: /run/netns/ns2",
                "    limiter:",
                "      in: 1MB",
                "    knock: [a.example, b.example]").services().get(0).metadata();

        assertThat(metadata).isEqualTo(Metadata.of(Map.of("netns.out", "/run/netns/ns2", "limiter.in", "1MB",
                "knock", List.of("a.example", "b.example"))));
    }

    @Test
    void scalarsAreTypedAsGostsYamlLibraryTypesThem() {
        Metadata metadata = yaml(
                "services:",
                "- addr: :8080",
                "  metadata: {keepalive: true, enabled: yes, ttl: 10, ratio: 0.5, timeout: 10s, mark: '0x10'}")
                .services().get(0).metadata();

        assertThat(metadata.asMap()).containsExactlyInAnyOrderEntriesOf(Map.of("keepalive", true, "enabled", "yes",
                "ttl", 10, "ratio", 0.5, "timeout", "10s", "mark", "0x10"));
    }

    @Test
    void anchorsAndMergeKeysWork() {
        GostConfig config = yaml(
                "x-handler: &handler {type: http, metadata: {timeout: 5s}}",
                "services:",
                "- addr: :8080",
                "  handler: *handler",
                "- addr: :8081",
                "  handler:",
                "    <<: *handler",
                "    type: socks5");

        assertThat(config.services()).extracting(service -> service.handler().type()).containsExactly("http", "socks5");
        assertThat(config.services()).allSatisfy(service ->
                assertThat(service.handler().metadata()).isEqualTo(Metadata.of("timeout", "5s")));
    }

    @Test
    void theDeprecatedNodeNetnsFieldIsKept() {
        NodeConfig node = yaml(
                "chains:",
                "- hops:",
                "  - nodes:",
                "    - addr: 192.0.2.1:8080",
                "      netns: ns3").chains().get(0).hops().get(0).nodes().get(0);

        assertThat(node.netns()).isEqualTo("ns3");
    }

    @Test
    void originsNameTheLineAndKeyPath() {
        GostConfig config = yaml(
                "services:",
                "- name: web",
                "  addr: :8080",
                "  handler:",
                "    type: http");

        assertThat(config.services().get(0).origin()).isEqualTo(new Origin("app.yaml", 2, "services[0]"));
        assertThat(config.services().get(0).handler().origin())
                .isEqualTo(new Origin("app.yaml", 4, "services[0].handler"));
    }
}
