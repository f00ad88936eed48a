package io.gost.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.Handler;
import io.gost.api.HandlerFactory;
import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.MetadataKey;
import io.gost.api.MetadataSchema;
import io.gost.api.NetnsRef;
import io.gost.api.PluginContext;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.YamlConfigLoader;
import io.gost.runtime.registry.PluginKind;
import io.gost.runtime.registry.PluginRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The plan layer: every key accounted for, errors at the key's own line, and what a plan holds. */
class PlannerTest {

    /** A proxy handler with declared keys, one of them checked by the factory itself. */
    static final class DeclaringHandlerFactory implements HandlerFactory {
        @Override
        public String type() {
            return "proxy";
        }

        static final MetadataKey UDP_BUFFER_SIZE =
                MetadataKey.integer("udpBufferSize", "4096", "largest datagram").alias("udp.bufferSize");

        @Override
        public MetadataSchema metadataSchema() {
            return MetadataSchema.of(
                    MetadataKey.bool("udp", false, "allow UDP"),
                    MetadataKey.duration("readTimeout", "15s", "handshake limit").alias("handshakeTimeout"),
                    UDP_BUFFER_SIZE,
                    MetadataKey.map("header", "extra header fields"));
        }

        @Override
        public boolean letsClientsChooseTargets() {
            return true;
        }

        @Override
        public ForwarderUse forwarderUse() {
            return ForwarderUse.NONE;
        }

        @Override
        public Handler create(Metadata metadata, PluginContext context) {
            String key = UDP_BUFFER_SIZE.spellingIn(metadata);
            if (metadata.getInt(key, 4096) > 65_535) {
                throw new InvalidMetadataException(key, metadata.value(key).orElse(""), "expected at most 65535");
            }
            return (client, handlerContext) -> client.close();
        }
    }

    /** A handler written before keys were declared. */
    static final class SilentHandlerFactory implements HandlerFactory {
        @Override
        public String type() {
            return "silent";
        }

        @Override
        public Handler create(Metadata metadata, PluginContext context) {
            return (client, handlerContext) -> client.close();
        }
    }

    private static final PluginRegistry REGISTRY = registry();

    private static PluginRegistry registry() {
        PluginRegistry loaded = PluginRegistry.load();
        PluginRegistry.Builder builder = PluginRegistry.builder();
        for (PluginKind kind : PluginKind.values()) {
            loaded.entries(kind).stream().filter(entry -> !entry.alias())
                    .forEach(entry -> builder.add(kind, entry.factory(), entry.source()));
        }
        builder.add(PluginKind.HANDLER, new DeclaringHandlerFactory(), "test");
        builder.add(PluginKind.HANDLER, new SilentHandlerFactory(), "test");
        return builder.build();
    }

    private static Planner.Result yaml(String... lines) {
        GostConfig config = new YamlConfigLoader().parse(String.join("\n", lines), "app.yaml");
        return Planner.plan(config, REGISTRY);
    }

    private static Planner.Result commandLine(List<String> services, List<String> nodes) {
        return Planner.plan(new CommandLineParser().parse(services, nodes), REGISTRY);
    }

    @Nested
    class EveryMetadataKeyIsAccountedFor {

        @Test
        void aValueOfTheWrongKindIsAnErrorAtTheKeysOwnLine() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :1080",
                    "  handler:",
                    "    type: proxy",
                    "    metadata:",
                    "      udp: maybe",
                    "      handshakeTimeout: soon");

            assertThat(result.problems()).containsExactly(
                    "app.yaml:7: services[0].handler.metadata.udp: metadata 'udp': expected true or false, got 'maybe'",
                    "app.yaml:8: services[0].handler.metadata.handshakeTimeout: metadata 'handshakeTimeout': expected"
                            + " a duration such as 10s, 500ms or 1m30s, got 'soon'");
            assertThat(result.plan()).isNull();
        }

        @Test
        void aValueOnlyThePluginCanJudgeIsReportedAtItsKey() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :1080",
                    "  handler:",
                    "    type: proxy",
                    "    metadata:",
                    "      udp.bufferSize: 70000");

            assertThat(result.problems()).containsExactly("app.yaml:7: services[0].handler.metadata.udp.bufferSize:"
                    + " handler 'proxy': metadata 'udp.bufferSize': expected at most 65535, got '70000'");
        }

        @Test
        void aKeyNoPartOfTheServiceReadsIsAWarningWithTheNearestKey() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :1080",
                    "  handler:",
                    "    type: proxy",
                    "    metadata:",
                    "      udpp: true");

            assertThat(result.problems()).isEmpty();
            assertThat(result.warnings()).containsExactly("app.yaml:7: services[0].handler.metadata.udpp: metadata"
                    + " 'udpp' is not an option of any part of service s; did you mean 'udp'?");
        }

        @Test
        void aKeyInTheWrongMapIsAnErrorSayingWhereItBelongs() {
            // In the listener's map the socks-like handler would never see it: GOST ignores it there.
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :1080",
                    "  handler: {type: proxy}",
                    "  listener:",
                    "    type: tcp",
                    "    metadata:",
                    "      udp: true");

            assertThat(result.problems()).containsExactly("app.yaml:8: services[0].listener.metadata.udp: metadata"
                    + " 'udp' is not read by the tcp listener; it is an option of the proxy handler: set it in that"
                    + " one's metadata");
        }

        @Test
        void theCommandLinesCopiesOfAKeyInEveryMapAreFine() {
            Planner.Result result = commandLine(List.of("proxy://:1080?udp=true&backlog=64"), List.of());

            assertThat(result.problems()).isEmpty();
            assertThat(result.warnings()).isEmpty();
            ServicePlan service = result.plan().services().get(0);
            assertThat(service.handler().metadata().getBoolean("udp", false)).isTrue();
            assertThat(service.listener().metadata().getInt("backlog", 0)).isEqualTo(64);
        }

        @Test
        void aGostKeyForAFeatureGostJavaLacksIsAnErrorNamingIt() {
            Planner.Result result = commandLine(List.of("tcp://:8000/127.0.0.1:9000?proxyProtocol=1"), List.of());

            assertThat(result.problems()).containsExactly("-L 'tcp://:8000/127.0.0.1:9000?proxyProtocol=1':"
                    + " ?proxyProtocol: metadata 'proxyProtocol' (the service) is GOST's, but gost-java does not"
                    + " support it yet; remove it, or run this configuration with GOST");
        }

        @Test
        void aPluginThatDeclaresNothingGetsItsKeysUnchecked() {
            Planner.Result result = commandLine(List.of("silent://:1080?whatever=1"), List.of());

            assertThat(result.problems()).isEmpty();
            assertThat(result.warnings()).isEmpty();
        }

        @Test
        void chainMetadataIsAccountedForToo() {
            Planner.Result result = yaml(
                    "chains:",
                    "- name: c",
                    "  metadata:",
                    "    retries: 3",
                    "  hops:",
                    "  - name: h",
                    "    nodes:",
                    "    - {name: n, addr: 127.0.0.1:3128}");

            assertThat(result.warnings()).containsExactly("app.yaml:4: chains[0].metadata.retries: metadata 'retries'"
                    + " is not an option of any part of chain c; it is ignored");
        }

        @Test
        void hopAndNodeKeysFromTheCommandLineAreReadByTheirOwners() {
            Planner.Result result = commandLine(List.of(":8080"), List.of("http://127.0.0.1:3128?keepalive=false"));

            assertThat(result.problems()).isEmpty();
            assertThat(result.warnings()).isEmpty();
            PluginPlan dialer = result.plan().chains().get(0).hops().get(0).nodes().get(0).dialer();
            assertThat(dialer.metadata().getBoolean("keepalive", true)).isFalse();
        }
    }

    @Nested
    class WhatAPlanHolds {

        @Test
        void namespacesAreParsedOnceWithGostsPrecedence() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8000",
                    "  handler: {type: tcp, chain: c}",
                    "  forwarder: {nodes: [{name: t, addr: 127.0.0.1:9000}]}",
                    "  metadata: {netns: ns1, netns.out: /run/netns/ns2}",
                    "chains:",
                    "- name: c",
                    "  hops:",
                    "  - name: h",
                    "    metadata: {netns: hop-ns}",
                    "    nodes:",
                    "    - {name: a, addr: 127.0.0.1:1, metadata: {netns: node-ns}}",
                    "    - {name: b, addr: 127.0.0.1:2, netns: field-ns}",
                    "    - {name: c, addr: 127.0.0.1:3}");

            assertThat(result.problems()).isEmpty();
            ServicePlan service = result.plan().services().get(0);
            assertThat(service.netns()).isEqualTo(NetnsRef.parse("ns1"));
            assertThat(service.netnsOut()).isEqualTo(NetnsRef.parse("/run/netns/ns2"));
            List<NodePlan> nodes = service.chain().hops().get(0).nodes();
            assertThat(nodes).extracting(NodePlan::netns).containsExactly(NetnsRef.parse("node-ns"),
                    NetnsRef.parse("field-ns"), NetnsRef.parse("hop-ns"));
            assertThat(nodes).extracting(NodePlan::netnsSource).containsExactly("node metadata", "node", "hop h");
            assertThat(result.plan().namespaces()).containsExactly(NetnsRef.parse("ns1"),
                    NetnsRef.parse("/run/netns/ns2"), NetnsRef.parse("node-ns"), NetnsRef.parse("field-ns"),
                    NetnsRef.parse("hop-ns"));
        }

        @Test
        void nodeOptionsAreReadOnce() {
            Planner.Result result = yaml(
                    "services:",
                    "- {name: s, addr: ':8000', handler: {type: tcp},",
                    "   forwarder: {nodes: [{name: t, addr: '127.0.0.1:9000',",
                    "     metadata: {weight: 5, backup: true, maxFails: 3, failTimeout: 30s}}]}}");

            NodePlan node = result.plan().services().get(0).forwarder().nodes().get(0);
            assertThat(node.weight()).isEqualTo(5);
            assertThat(node.backup()).isTrue();
            assertThat(node.maxFails()).hasValue(3);
            assertThat(node.failTimeout()).hasValue(Duration.ofSeconds(30));
        }

        @Test
        void theOpenProxyWarningComesFromTheFactoryNotFromANameList() {
            ServicePlan open = commandLine(List.of("proxy://:1080"), List.of()).plan().services().get(0);
            ServicePlan withAuth = commandLine(List.of("proxy://u:p@:1080"), List.of()).plan().services().get(0);
            ServicePlan forward = commandLine(List.of("tcp://:8000/127.0.0.1:9000"), List.of()).plan().services().get(0);

            assertThat(open.openProxyWarning()).isTrue();
            assertThat(withAuth.openProxyWarning()).isFalse();
            assertThat(forward.openProxyWarning()).isFalse();
        }

        @Test
        void hashHostPicksChainNodesByTarget() {
            ServicePlan byTarget = commandLine(List.of("proxy://:8080?hash=host"),
                    List.of("http://127.0.0.1:1,127.0.0.1:2?strategy=hash")).plan().services().get(0);
            Planner.Result wrong = commandLine(List.of("proxy://:8080?hash=ip"), List.of());

            assertThat(byTarget.hashByTarget()).isTrue();
            assertThat(wrong.problems()).containsExactly("-L 'proxy://:8080?hash=ip': ?hash: hash 'ip' is not a hash"
                    + " source; 'host' picks nodes of hash selectors by target host (without it, by client address)");
        }

        @Test
        void aForwarderTargetWithAConnectorIsRefusedBecauseItWouldNotBeUsed() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8000",
                    "  handler: {type: forward}",
                    "  forwarder:",
                    "    nodes:",
                    "    - name: t",
                    "      addr: 127.0.0.1:9000",
                    "      connector: {type: http}");

            assertThat(result.problems()).singleElement().asString()
                    .startsWith("app.yaml:9: services[0].forwarder.nodes[0].connector: a forwarder target is dialed"
                            + " directly");
        }

        @Test
        void aForwardingHandlerWithoutTargetsIsRefused() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8000",
                    "  handler: {type: tcp}");

            assertThat(result.problems()).containsExactly("app.yaml:4: services[0].handler.type: handler tcp forwards"
                    + " to fixed targets, and this service has none; give them as -L tcp://:PORT/HOST:PORT or in a"
                    + " 'forwarder' block with nodes");
        }

        @Test
        void targetsForAHandlerThatNeverUsesThemAreRefused() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8080",
                    "  handler: {type: proxy}",
                    "  forwarder:",
                    "    nodes: [{name: t, addr: 127.0.0.1:9000}]");

            assertThat(result.problems()).singleElement().asString().startsWith("app.yaml:5: services[0].forwarder:"
                    + " handler proxy lets clients choose their targets and never uses a forwarder");
        }

        @Test
        void anUnknownTypeThatIsGostsSaysItIsNotSupportedYet() {
            Planner.Result result = commandLine(List.of("ss://:8338"), List.of());

            assertThat(result.problems()).singleElement().asString()
                    .startsWith("-L 'ss://:8338': handler.type: handler type 'ss' is GOST's, but gost-java does not"
                            + " support it yet")
                    .contains("handler types here: ");
        }

        @Test
        void aTopLevelHopServesAChainAsHttpOverTcpAndAForwarderAsDirectTargets() {
            Planner.Result result = yaml(
                    "services:",
                    "- {name: fwd, addr: ':8000', handler: {type: tcp}, forwarder: {hop: shared}}",
                    "- {name: web, addr: ':8080', handler: {type: proxy, chain: c}}",
                    "chains:",
                    "- {name: c, hops: [{name: shared}]}",
                    "hops:",
                    "- {name: shared, nodes: [{name: n, addr: '127.0.0.1:3128'}]}");

            assertThat(result.problems()).isEmpty();
            NodePlan target = result.plan().service("fwd").orElseThrow().forwarder().nodes().get(0);
            NodePlan proxy = result.plan().service("web").orElseThrow().chain().hops().get(0).nodes().get(0);
            assertThat(target.connector()).isNull();
            assertThat(target.dialer()).isNull();
            assertThat(proxy.connector().type()).isEqualTo("http");
            assertThat(proxy.dialer().type()).isEqualTo("tcp");
        }

        @Test
        void everyAutherOfAHandlerIsAccepted() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :1080",
                    "  handler: {type: proxy, auther: a, authers: [b]}",
                    "authers:",
                    "- {name: a, auths: [{username: alice, password: one}]}",
                    "- {name: b, auths: [{username: bob, password: two}]}");

            assertThat(result.plan().services().get(0).handler().authers()).containsExactly("a", "b");
        }

        @Test
        void aMetadataOptionWrittenBesideMetadataSaysWhereItBelongs() {
            assertThatThrownBy(() -> yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8080",
                    "  handler:",
                    "    type: http",
                    "    header: {foo: bar}"))
                    .hasMessage("app.yaml:6: services[0].handler.header: unknown key 'header' here; GOST reads"
                            + " 'header' as a metadata option of the http handler: put it under metadata");
        }

        @Test
        void equalConfigurationsMakeEqualPluginPlans() {
            PluginPlan first = commandLine(List.of("proxy://:1080?udp=true"), List.of()).plan().services().get(0)
                    .handler();
            PluginPlan second = commandLine(List.of("proxy://:1080?udp=true"), List.of()).plan().services().get(0)
                    .handler();
            PluginPlan other = commandLine(List.of("proxy://:1080?udp=false"), List.of()).plan().services().get(0)
                    .handler();

            assertThat(first).isEqualTo(second).hasSameHashCodeAs(second).isNotEqualTo(other);
        }
    }
}
