package io.gost.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.Credentials;
import io.gost.api.Metadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** GOST's -L/-F grammar, mostly with the examples of GOST's own documentation. */
class CommandLineParserTest {

    private final CommandLineParser parser = new CommandLineParser();

    /** Parses alternating flags and values: {@code gost("-L", ":8080", "-F", "http://host:1")}. */
    private GostConfig gost(String... flagsAndValues) {
        List<String> services = new ArrayList<>();
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < flagsAndValues.length; i += 2) {
            (flagsAndValues[i].equals("-L") ? services : nodes).add(flagsAndValues[i + 1]);
        }
        return parser.parse(services, nodes);
    }

    private ServiceConfig onlyService(String... flagsAndValues) {
        GostConfig config = gost(flagsAndValues);
        assertThat(config.services()).hasSize(1);
        return config.services().get(0);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    class Services {

        @Test
        void anAddressWithoutSchemeIsAnAutoProxyOverTcp() {
            ServiceConfig service = onlyService("-L", ":8080");

            assertThat(service.name()).isEqualTo("service-0");
            assertThat(service.addr()).isEqualTo(":8080");
            assertThat(service.handler().type()).isEqualTo("auto");
            assertThat(service.listener().type()).isEqualTo("tcp");
            assertThat(service.forwarder()).isNull();
            assertThat(service.metadata().isEmpty()).isTrue();
        }

        @Test
        void httpSchemeIsAnHttpProxyOverTcp() {
            ServiceConfig service = onlyService("-L", "http://:8080");

            assertThat(service.handler().type()).isEqualTo("http");
            assertThat(service.listener().type()).isEqualTo("tcp");
        }

        @Test
        void socks5SchemeIsASocks5ProxyOverTcp() {
            ServiceConfig service = onlyService("-L", "socks5://:1080");

            assertThat(service.handler().type()).isEqualTo("socks5");
            assertThat(service.listener().type()).isEqualTo("tcp");
        }

        @Test
        void httpsIsHttpOverTls() {
            ServiceConfig service = onlyService("-L", "https://:443");

            assertThat(service.handler().type()).isEqualTo("http");
            assertThat(service.listener().type()).isEqualTo("tls");
        }

        @Test
        void aListenerSchemeAloneIsAnAutoProxyOnThatTransport() {
            ServiceConfig service = onlyService("-L", "tls://:443");

            assertThat(service.handler().type()).isEqualTo("auto");
            assertThat(service.listener().type()).isEqualTo("tls");
        }

        @Test
        void handlerPlusListenerNamesBoth() {
            ServiceConfig service = onlyService("-L", "relay+tls://:8443");

            assertThat(service.handler().type()).isEqualTo("relay");
            assertThat(service.listener().type()).isEqualTo("tls");
        }

        @Test
        void aSchemeThatIsNoTypeIsKeptForPlanningToRefuse() {
            // A typo must not become an open auto proxy: planning names the types there are.
            ServiceConfig typo = onlyService("-L", "htp://:8080");
            ServiceConfig both = onlyService("-L", "nosuchhandler+nosuchlistener://:8080");

            assertThat(typo.handler().type()).isEqualTo("htp");
            assertThat(typo.listener().type()).isEqualTo("tcp");
            assertThat(both.handler().type()).isEqualTo("nosuchhandler");
            assertThat(both.listener().type()).isEqualTo("nosuchlistener");
        }

        @Test
        void aListenerSchemeAloneServesAutoOverIt() {
            ServiceConfig service = onlyService("-L", "tls://:8443");

            assertThat(service.handler().type()).isEqualTo("auto");
            assertThat(service.listener().type()).isEqualTo("tls");
        }

        @Test
        void knownTypesCanComeFromTheRegistry() {
            CommandLineParser registryBacked = new CommandLineParser(CommandLineParser.KnownTypes.of(
                    Set.of("http"), Set.of("tcp"), Set.of("http"), Set.of("tcp")));

            GostConfig config = registryBacked.parse(List.of("tcp://:1080"), List.of("tcp://host:1080"));

            // tcp is a listener here but no handler: auto over tcp; a dialer but no connector: http over tcp.
            assertThat(config.services().get(0).handler().type()).isEqualTo("auto");
            NodeConfig node = config.chains().get(0).hops().get(0).nodes().get(0);
            assertThat(node.connector().type()).isEqualTo("http");
            assertThat(node.dialer().type()).isEqualTo("tcp");
        }

        @Test
        void userinfoIsTheHandlersAuth() {
            ServiceConfig service = onlyService("-L", "http://admin:123456@localhost:8080");

            assertThat(service.addr()).isEqualTo("localhost:8080");
            assertThat(service.handler().auth()).isEqualTo(new Credentials("admin", "123456"));
            assertThat(service.listener().auth()).isNull();
        }

        @Test
        void userinfoWithoutSchemeStillAuthenticates() {
            ServiceConfig service = onlyService("-L", "admin:123456@:8080");

            assertThat(service.handler().type()).isEqualTo("auto");
            assertThat(service.addr()).isEqualTo(":8080");
            assertThat(service.handler().auth()).isEqualTo(new Credentials("admin", "123456"));
        }

        @Test
        void percentEncodedPasswordIsDecoded() {
            ServiceConfig service = onlyService("-L", "socks5://user:p%40ss%3Aword@:1080");

            assertThat(service.handler().auth()).isEqualTo(new Credentials("user", "p@ss:word"));
        }

        @Test
        void authQueryKeyIsBase64UserAndPassword() {
            ServiceConfig service = onlyService("-L", "http://:8080?auth=" + base64("user:pass"));

            assertThat(service.handler().auth()).isEqualTo(new Credentials("user", "pass"));
            assertThat(service.handler().metadata().contains("auth")).isFalse();
            assertThat(service.metadata().contains("auth")).isFalse();
        }

        @Test
        void shadowsocksTakesMethodAndPasswordAsUserinfo() {
            ServiceConfig service = onlyService("-L", "ss://chacha20-ietf-poly1305:123456@:8338");

            assertThat(service.handler().type()).isEqualTo("ss");
            assertThat(service.listener().type()).isEqualTo("tcp");
            assertThat(service.handler().auth()).isEqualTo(new Credentials("chacha20-ietf-poly1305", "123456"));
        }

        @Test
        void shadowsocksAcceptsSip002Base64Userinfo() {
            ServiceConfig service = onlyService("-L", "ss://" + base64("aes-128-gcm:secret") + "@:8338");

            assertThat(service.handler().auth()).isEqualTo(new Credentials("aes-128-gcm", "secret"));
        }

        @Test
        void shadowsocksUdpListensOnUdp() {
            ServiceConfig service = onlyService("-L", "ssu://chacha20-ietf-poly1305:123456@:8338");

            assertThat(service.handler().type()).isEqualTo("ssu");
            assertThat(service.listener().type()).isEqualTo("udp");
        }

        @Test
        void ipv6ListenAddressKeepsItsBrackets() {
            ServiceConfig service = onlyService("-L", "http://[::1]:8080");

            assertThat(service.addr()).isEqualTo("[::1]:8080");
        }

        @Test
        void everyListFlagIsOneServiceNamedInOrder() {
            GostConfig config = gost("-L", "http://:8080", "-L", "socks5://:1080");

            assertThat(config.services()).extracting(ServiceConfig::name).containsExactly("service-0", "service-1");
            assertThat(config.services()).extracting(service -> service.handler().type())
                    .containsExactly("http", "socks5");
            assertThat(config.chains()).isEmpty();
            assertThat(config.source()).isEqualTo("command line");
        }
    }

    @Nested
    class Forwarding {

        @Test
        void tcpPortForwardingHasOneTarget() {
            ServiceConfig service = onlyService("-L", "tcp://:8080/192.168.1.1:80");

            assertThat(service.handler().type()).isEqualTo("tcp");
            assertThat(service.listener().type()).isEqualTo("tcp");
            HopConfig forwarder = service.forwarder();
            assertThat(forwarder.name()).isEqualTo("service-0");
            assertThat(forwarder.selector()).isEqualTo(SelectorConfig.DEFAULT);
            assertThat(forwarder.nodes()).singleElement().satisfies(node -> {
                assertThat(node.name()).isEqualTo("target-0");
                assertThat(node.addr()).isEqualTo("192.168.1.1:80");
                assertThat(node.connector()).isNull();
                assertThat(node.dialer()).isNull();
            });
        }

        @Test
        void udpPortForwardingUsesTheUdpHandler() {
            ServiceConfig service = onlyService("-L", "udp://:10053/192.168.1.1:53");

            assertThat(service.handler().type()).isEqualTo("udp");
            assertThat(service.listener().type()).isEqualTo("udp");
            assertThat(service.forwarder().nodes()).extracting(NodeConfig::addr).containsExactly("192.168.1.1:53");
        }

        @Test
        void commaSeparatedTargetsShareOneForwarderWithTheGivenSelector() {
            ServiceConfig service = onlyService("-L",
                    "tcp://:8080/192.168.1.1:80,192.168.1.2:80,192.168.1.3:8080?strategy=random&maxFails=2&failTimeout=1m");

            HopConfig forwarder = service.forwarder();
            assertThat(forwarder.nodes()).extracting(NodeConfig::name)
                    .containsExactly("target-0", "target-1", "target-2");
            assertThat(forwarder.nodes()).extracting(NodeConfig::addr)
                    .containsExactly("192.168.1.1:80", "192.168.1.2:80", "192.168.1.3:8080");
            assertThat(forwarder.selector()).isEqualTo(new SelectorConfig("random", 2, Duration.ofMinutes(1)));
            assertThat(service.metadata().isEmpty()).isTrue();
            assertThat(service.handler().metadata().isEmpty()).isTrue();
        }

        @Test
        void aSelectorGivenOnTheCommandLineDefaultsToThirtySecondsAsGostDoes() {
            ServiceConfig service = onlyService("-L", "tcp://:8080/192.168.1.1:80,192.168.1.2:80?strategy=hash");

            assertThat(service.forwarder().selector()).isEqualTo(new SelectorConfig("hash", 1, Duration.ofSeconds(30)));
        }

        @Test
        void forwardingOverANonForwardingTransportUsesTheForwardHandler() {
            ServiceConfig service = onlyService("-L", "tls://:8443/192.168.1.1:80");

            assertThat(service.handler().type()).isEqualTo("forward");
            assertThat(service.listener().type()).isEqualTo("tls");
        }

        @Test
        void relayKeepsItsHandlerWhenForwarding() {
            ServiceConfig service = onlyService("-L", "relay+tls://:8443/192.168.1.1:80");

            assertThat(service.handler().type()).isEqualTo("relay");
            assertThat(service.forwarder().nodes()).extracting(NodeConfig::addr).containsExactly("192.168.1.1:80");
        }

        @Test
        void aPortRangeIsOneServicePerPortPairedWithATargetRange() {
            GostConfig config = gost("-L", "tcp://:8000-8002/192.168.1.1:9000-9002");

            assertThat(config.services()).extracting(ServiceConfig::name)
                    .containsExactly("service-0", "service-1", "service-2");
            assertThat(config.services()).extracting(ServiceConfig::addr).containsExactly(":8000", ":8001", ":8002");
            assertThat(config.services()).extracting(service -> service.forwarder().nodes().get(0).addr())
                    .containsExactly("192.168.1.1:9000", "192.168.1.1:9001", "192.168.1.1:9002");
            assertThat(config.services()).extracting(service -> service.forwarder().nodes().get(0).name())
                    .containsExactly("target-0", "target-1", "target-2");
            assertThat(config.services()).allSatisfy(service -> assertThat(service.forwarder().nodes()).hasSize(1));
        }

        @Test
        void aPortRangeWithOneTargetForwardsEveryPortThere() {
            GostConfig config = gost("-L", "tcp://:8000-8001/192.168.1.1:80");

            assertThat(config.services()).hasSize(2).allSatisfy(service ->
                    assertThat(service.forwarder().nodes()).extracting(NodeConfig::addr)
                            .containsExactly("192.168.1.1:80"));
        }

        @Test
        void aUnixSocketServiceListensOnThePathAndForwardsToTheTarget() {
            ServiceConfig listening = onlyService("-L", "unix:///run/gost.sock");
            ServiceConfig forwarding = onlyService("-L", "unix://gost.sock/192.168.1.1:80");

            assertThat(listening.addr()).isEqualTo("/run/gost.sock");
            assertThat(listening.listener().type()).isEqualTo("unix");
            assertThat(listening.forwarder()).isNull();
            assertThat(forwarding.addr()).isEqualTo("gost.sock");
            assertThat(forwarding.handler().type()).isEqualTo("unix");
            assertThat(forwarding.forwarder().nodes()).extracting(NodeConfig::addr).containsExactly("192.168.1.1:80");
        }

        @Test
        void remotePortForwardingPutsTheChainOnTheListener() {
            GostConfig config = gost("-L", "rtcp://:2222/192.168.1.1:22", "-F", "socks5://192.168.1.2:1080");

            ServiceConfig service = config.services().get(0);
            assertThat(service.handler().type()).isEqualTo("rtcp");
            assertThat(service.listener().type()).isEqualTo("rtcp");
            assertThat(service.listener().chain()).isEqualTo("chain-0");
            assertThat(service.handler().chain()).isNull();
        }
    }

    @Nested
    class Chains {

        @Test
        void aForwardNodeIsHopZeroOfChainZeroUsedByEveryService() {
            GostConfig config = gost("-L", "http://:8080", "-L", "socks5://:1080", "-F", "http://192.168.1.1:8080");

            ChainConfig chain = config.chains().get(0);
            assertThat(chain.name()).isEqualTo("chain-0");
            assertThat(chain.hops()).singleElement().satisfies(hop -> {
                assertThat(hop.name()).isEqualTo("hop-0");
                assertThat(hop.metadata().isEmpty()).isTrue();
                assertThat(hop.nodes()).singleElement().satisfies(node -> {
                    assertThat(node.name()).isEqualTo("node-0");
                    assertThat(node.addr()).isEqualTo("192.168.1.1:8080");
                    assertThat(node.connector().type()).isEqualTo("http");
                    assertThat(node.dialer().type()).isEqualTo("tcp");
                });
            });
            assertThat(config.services()).allSatisfy(service ->
                    assertThat(service.handler().chain()).isEqualTo("chain-0"));
        }

        @Test
        void connectorPlusDialerWithUserinfoAuthenticatesTheConnector() {
            NodeConfig node = gost("-L", ":8080", "-F", "socks5+tls://user:pass@192.168.1.1:1080")
                    .chains().get(0).hops().get(0).nodes().get(0);

            assertThat(node.connector().type()).isEqualTo("socks5");
            assertThat(node.dialer().type()).isEqualTo("tls");
            assertThat(node.connector().auth()).isEqualTo(new Credentials("user", "pass"));
            assertThat(node.dialer().auth()).isNull();
        }

        @Test
        void anSshDialerTakesTheAuthItself() {
            NodeConfig node = gost("-L", ":8080", "-F", "forward+ssh://user:pass@192.168.1.1:2222")
                    .chains().get(0).hops().get(0).nodes().get(0);

            assertThat(node.connector().type()).isEqualTo("forward");
            assertThat(node.dialer().type()).isEqualTo("ssh");
            assertThat(node.dialer().auth()).isEqualTo(new Credentials("user", "pass"));
            assertThat(node.connector().auth()).isNull();
        }

        @Test
        void httpsNodeIsHttpOverTls() {
            NodeConfig node = gost("-L", ":8080", "-F", "https://proxy.example.com:443")
                    .chains().get(0).hops().get(0).nodes().get(0);

            assertThat(node.connector().type()).isEqualTo("http");
            assertThat(node.dialer().type()).isEqualTo("tls");
            assertThat(node.addr()).isEqualTo("proxy.example.com:443");
        }

        @Test
        void aDialerSchemeAloneSpeaksHttpOverIt() {
            NodeConfig node = gost("-L", ":8080", "-F", "tls://192.168.1.1:8443")
                    .chains().get(0).hops().get(0).nodes().get(0);

            assertThat(node.connector().type()).isEqualTo("http");
            assertThat(node.dialer().type()).isEqualTo("tls");
        }

        @Test
        void aSchemeThatIsNoTypeIsKeptForPlanningToRefuse() {
            NodeConfig node = gost("-L", ":8080", "-F", "nosuchconnector+nosuchdialer://192.168.1.1:8080")
                    .chains().get(0).hops().get(0).nodes().get(0);

            assertThat(node.connector().type()).isEqualTo("nosuchconnector");
            assertThat(node.dialer().type()).isEqualTo("nosuchdialer");
        }

        @Test
        void everyForwardFlagIsTheNextHopWithNodesNumberedPerHop() {
            ChainConfig chain = gost("-L", ":8080",
                    "-F", "http://192.168.1.1:8080",
                    "-F", "socks5://192.168.1.2:1080,192.168.1.3:1080?strategy=fifo")
                    .chains().get(0);

            assertThat(chain.hops()).extracting(HopConfig::name).containsExactly("hop-0", "hop-1");
            HopConfig second = chain.hops().get(1);
            assertThat(second.nodes()).extracting(NodeConfig::name).containsExactly("node-0", "node-1");
            assertThat(second.nodes()).extracting(NodeConfig::addr)
                    .containsExactly("192.168.1.2:1080", "192.168.1.3:1080");
            assertThat(second.nodes()).allSatisfy(node -> assertThat(node.connector().type()).isEqualTo("socks5"));
            assertThat(second.selector()).isEqualTo(new SelectorConfig("fifo", 1, Duration.ofSeconds(30)));
            assertThat(second.metadata().isEmpty()).isTrue();
        }
    }

    @Nested
    class QueryKeys {

        @Test
        void namespaceAndSocketKeysAreServiceMetadataOnly() {
            ServiceConfig service = onlyService("-L",
                    "http://:8080?netns=ns1&netns.out=/run/netns/ns2&interface=eth0&so_mark=100&proxyProtocol=1");

            assertThat(service.metadata()).isEqualTo(Metadata.of(java.util.Map.of("netns", "ns1",
                    "netns.out", "/run/netns/ns2", "interface", "eth0", "so_mark", 100, "proxyProtocol", 1)));
            assertThat(service.handler().metadata().isEmpty()).isTrue();
            assertThat(service.listener().metadata().isEmpty()).isTrue();
        }

        @Test
        void aSocketMarkMayUseEveryBitOfAnIntButNoMore() {
            // Policy-routing marks are bit patterns: 0x6a000000 has ten decimal digits.
            ServiceConfig service = onlyService("-L", "http://:8080?so_mark=1778384896", "-F",
                    "http://192.168.1.1:8080?so_mark=2147483647");

            assertThat(service.metadata().getInt("so_mark", 0)).isEqualTo(1778384896);
            assertThatThrownBy(() -> gost("-L", "http://:8080?so_mark=2147483648"))
                    .isInstanceOf(ConfigException.class)
                    .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                            .contains("so_mark '2147483648' is not a whole number from 0 to 2147483647"));
        }

        @Test
        void prefixesScopeAKeyAndAPlainKeyGoesEverywhere() {
            ServiceConfig service = onlyService("-L",
                    "http://:8080?handler.knock=example.com&listener.backlog=128&service.observePeriod=5s&timeout=10s");

            assertThat(service.handler().metadata()).isEqualTo(Metadata.of("knock", "example.com", "timeout", "10s"));
            assertThat(service.listener().metadata()).isEqualTo(Metadata.of("backlog", "128", "timeout", "10s"));
            assertThat(service.metadata()).isEqualTo(Metadata.of("observePeriod", "5s", "timeout", "10s"));
        }

        @Test
        void retriesIsTheHandlersRetryCount() {
            ServiceConfig service = onlyService("-L", "http://:8080?retries=3", "-F", "http://192.168.1.1:8080");

            assertThat(service.handler().retries()).isEqualTo(3);
            assertThat(service.handler().metadata().contains("retries")).isFalse();
            assertThat(service.metadata().contains("retries")).isFalse();
        }

        @Test
        void quotasNameTheQuotasOfAFileTheServiceCountsAgainst() {
            GostConfig config = gost("-L", "http://:8080?quotas=q1,q2");

            assertThat(config.services().get(0).controls().quotas()).containsExactly("q1", "q2");
            assertThat(config.services().get(0).metadata().contains("quotas")).isFalse();
        }

        @Test
        void groupsSeparatedLikeGostsProcessesEachGetTheirOwnChain() {
            GostConfig config = new CommandLineParser().parse(List.of(
                    new CommandLineParser.Group(List.of("http://:8080"), List.of()),
                    new CommandLineParser.Group(List.of("http://:8000"), List.of("http://127.0.0.1:3128")),
                    new CommandLineParser.Group(List.of("socks5://:1080"), List.of("http://:8000"))));

            assertThat(config.services()).extracting(ServiceConfig::name)
                    .containsExactly("service-0", "service-1", "service-2");
            assertThat(config.services()).extracting(service -> service.handler().chain())
                    .containsExactly(null, "chain-0", "chain-1");
            assertThat(config.chains()).extracting(ChainConfig::name).containsExactly("chain-0", "chain-1");
            assertThat(config.chains().get(1).hops().get(0).nodes().get(0).addr()).isEqualTo(":8000");
        }

        @Test
        void tlsQueryKeysMakeTheListenersAndTheDialersTlsBlockAsInGost() {
            GostConfig config = gost("-L", "https://:8443?cert=cert.pem&tls.keyFile=key.pem&ca=ca.pem&bar=1",
                    "-F", "http+tls://127.0.0.1:3128?secure=true&servername=proxy.example&certFile=c.pem&key=k.pem");

            PluginConfig listener = config.services().get(0).listener();
            assertThat(listener.tls().certFile()).isEqualTo("cert.pem");
            assertThat(listener.tls().keyFile()).isEqualTo("key.pem");
            assertThat(listener.tls().caFile()).isEqualTo("ca.pem");
            assertThat(listener.tls().at("certFile").toString()).isEqualTo("-L 'https://:8443?cert=cert.pem"
                    + "&tls.keyFile=key.pem&ca=ca.pem&bar=1': ?cert");
            assertThat(listener.metadata()).isEqualTo(Metadata.of("bar", "1"));
            assertThat(config.services().get(0).handler().tls()).isNull();
            NodeConfig node = config.chains().get(0).hops().get(0).nodes().get(0);
            assertThat(node.dialer().tls().secure()).isTrue();
            assertThat(node.dialer().tls().serverName()).isEqualTo("proxy.example");
            assertThat(node.dialer().tls().certFile()).isEqualTo("c.pem");
            assertThat(node.connector().tls()).isNull();
            assertThat(node.metadata().isEmpty()).isTrue();
        }

        @Test
        void forwardNodeKeysAreScopedToHopNodeConnectorAndDialer() {
            HopConfig hop = gost("-L", ":8080", "-F",
                    "http://192.168.1.1:8080?netns=ns2&hop.tag=a&node.weight=2&connector.header=x&dialer.keepalive=true&level=1")
                    .chains().get(0).hops().get(0);

            NodeConfig node = hop.nodes().get(0);
            assertThat(hop.metadata()).isEqualTo(Metadata.of("netns", "ns2", "tag", "a", "level", "1"));
            assertThat(node.metadata()).isEqualTo(Metadata.of("weight", "2", "level", "1"));
            assertThat(node.connector().metadata()).isEqualTo(Metadata.of("header", "x", "level", "1"));
            assertThat(node.dialer().metadata()).isEqualTo(Metadata.of("keepalive", "true", "level", "1"));
        }
    }

    /** The three command lines of GOST's "Network Namespace" page. */
    @Nested
    class Seed {

        @Test
        void listeningInANamespacePutsNetnsInServiceMetadata() {
            // The page's YAML for this line shows target :8080; the command line itself says :8000.
            ServiceConfig service = onlyService("-L", "tcp://10.0.0.1:8000/:8000?netns=ns1");

            assertThat(service.addr()).isEqualTo("10.0.0.1:8000");
            assertThat(service.handler().type()).isEqualTo("tcp");
            assertThat(service.listener().type()).isEqualTo("tcp");
            assertThat(service.forwarder().nodes()).extracting(NodeConfig::name, NodeConfig::addr)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("target-0", ":8000"));
            assertThat(service.metadata()).isEqualTo(Metadata.of("netns", "ns1"));
            assertThat(service.handler().metadata().isEmpty()).isTrue();
            assertThat(service.listener().metadata().isEmpty()).isTrue();
        }

        @Test
        void netnsOutIsServiceMetadataNextToNetns() {
            ServiceConfig service = onlyService("-L",
                    "tcp://10.0.0.1:8000/10.0.1.1:8000?netns=ns1&netns.out=/run/netns/ns2");

            assertThat(service.metadata()).isEqualTo(Metadata.of("netns", "ns1", "netns.out", "/run/netns/ns2"));
            assertThat(service.forwarder().nodes()).extracting(NodeConfig::addr).containsExactly("10.0.1.1:8000");
            assertThat(service.handler().metadata().isEmpty()).isTrue();
        }

        @Test
        void netnsOnAForwardNodeIsHopMetadata() {
            GostConfig config = gost("-L", "tcp://10.0.0.1:8000/10.0.1.11:8000?netns=ns1",
                    "-F", "http://10.0.1.1:8080?netns=ns2");

            ServiceConfig service = config.services().get(0);
            assertThat(service.metadata()).isEqualTo(Metadata.of("netns", "ns1"));
            assertThat(service.handler().chain()).isEqualTo("chain-0");
            HopConfig hop = config.chains().get(0).hops().get(0);
            assertThat(hop.metadata()).isEqualTo(Metadata.of("netns", "ns2"));
            NodeConfig node = hop.nodes().get(0);
            assertThat(node.metadata().isEmpty()).isTrue();
            assertThat(node.connector().metadata().isEmpty()).isTrue();
            assertThat(node.dialer().metadata().isEmpty()).isTrue();
            assertThat(node.netns()).isNull();
        }
    }

    @Nested
    class Errors {

        @Test
        void aPortThatIsNotANumberNamesTheFlagAndThePort() {
            assertThatThrownBy(() -> gost("-L", "tcp://:abc"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("-L 'tcp://:abc': port 'abc' is not a number");
        }

        @Test
        void aPortOutOfRangeIsRefused() {
            assertThatThrownBy(() -> gost("-L", "http://:70000"))
                    .hasMessage("-L 'http://:70000': port 70000 is out of range 0-65535");
        }

        @Test
        void aTargetWithoutPortIsRefused() {
            assertThatThrownBy(() -> gost("-L", "tcp://:8080/example.com"))
                    .hasMessage("-L 'tcp://:8080/example.com': target 'example.com': 'example.com' needs a port,"
                            + " such as example.com:8080");
        }

        @Test
        void aReversedPortRangeIsRefused() {
            assertThatThrownBy(() -> gost("-L", "tcp://:8003-8000/192.168.1.1:80"))
                    .hasMessage("-L 'tcp://:8003-8000/192.168.1.1:80': port range '8003-8000' is empty:"
                            + " 8003 is above 8000");
        }

        @Test
        void aMissingListenAddressIsRefused() {
            assertThatThrownBy(() -> gost("-L", "http://"))
                    .hasMessage("-L 'http://': missing the address to listen on; use [host]:port such as :8080");
        }

        @Test
        void anUnknownStrategyIsRefused() {
            assertThatThrownBy(() -> gost("-L", "tcp://:8080/192.168.1.1:80?strategy=fastest"))
                    .hasMessage("-L 'tcp://:8080/192.168.1.1:80?strategy=fastest': strategy 'fastest' is unknown;"
                            + " use round (rr), random (rand), fifo (ha) or hash");
        }

        @Test
        void retriesMustBeAWholeNumber() {
            assertThatThrownBy(() -> gost("-L", "http://:8080?retries=many"))
                    .hasMessage("-L 'http://:8080?retries=many': retries 'many' is not a whole number of 0 or more");
        }

        @Test
        void aSchemeWithThreePartsIsRefused() {
            assertThatThrownBy(() -> gost("-L", "http+tls+ws://:8080"))
                    .hasMessage("-L 'http+tls+ws://:8080': scheme 'http+tls+ws' has 3 parts; use handler+listener");
        }

        @Test
        void aForwardNodeWithABadPortNamesTheNode() {
            assertThatThrownBy(() -> gost("-L", ":8080", "-F", "http://192.168.1.1:8080,192.168.1.2:http"))
                    .hasMessage("-F 'http://192.168.1.1:8080,192.168.1.2:http': node '192.168.1.2:http':"
                            + " port 'http' is not a number");
        }

        @Test
        void anEmptyFlagIsRefused() {
            assertThatThrownBy(() -> gost("-F", " "))
                    .hasMessage("-F ' ': empty; expected [scheme://][user:pass@][host]:port");
        }

        @Test
        void everyBadFlagIsReportedAtOnce() {
            assertThatThrownBy(() -> gost("-L", "tcp://:abc", "-L", "http://:99999", "-F", "http://host"))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                            "-F 'http://host': 'host' needs a port, such as host:8080",
                            "-L 'tcp://:abc': port 'abc' is not a number",
                            "-L 'http://:99999': port 99999 is out of range 0-65535"));
        }
    }
}
