package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GOST's {@code resolvers[].nameservers[].chain} as a user runs it (the GOST docs' resolver example 155): a
 * dnsmasq on loopback asked through a gost hop, over TCP through SOCKS5, HTTP and relay+tls hops, over UDP
 * through the SOCKS5 (UDP-TUN) and relay hops, as GOST's exchanger dials "udp" through its router, and over
 * DNS over TLS (stunnel in front of dnsmasq) through the SOCKS5 hop. That the
 * query went through the hop shows twice: the hop logs its connection to the nameserver's port, and once
 * the hop is gone the same resolver finds nothing (the nameserver itself still answers).
 */
class ResolverChainIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    /** The services of the resolving gost, each with a resolver whose one nameserver names a chain. */
    private static final List<String> WAYS = List.of("socks5-tcp", "http-tcp", "relay-tls-tcp", "socks5-udp",
            "relay-udp", "http-udp", "socks5-dot");

    @Test
    void nameserversAreAskedThroughTheirChainOverTcpAndUdp() {
        OriginServer origin = resources.add(new OriginServer());
        int dnsPort = resources.freePort();
        ManagedProcess dnsmasq = resources.process("dnsmasq", List.of("dnsmasq", "--keep-in-foreground",
                "--port=" + dnsPort, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--user=root", "--pid-file=", "--log-facility=-", "--log-queries",
                "--address=/gost.test/127.0.0.1"));
        dnsmasq.awaitPort(dnsPort);
        int dotPort = startStunnelInFrontOf(dnsPort);
        int socks = resources.freePort();
        int http = resources.freePort();
        int relay = resources.freePort();
        GostProcess hop = resources.gost("-L", "socks5://127.0.0.1:" + socks + "?udp=true",
                "-L", "http://127.0.0.1:" + http, "-L", "relay+tls://127.0.0.1:" + relay)
                .awaitPort(socks).awaitPort(http).awaitPort(relay);
        int[] ports = new int[WAYS.size()];
        StringBuilder services = new StringBuilder("services:\n");
        StringBuilder resolvers = new StringBuilder("resolvers:\n");
        for (int i = 0; i < WAYS.size(); i++) {
            String way = WAYS.get(i);
            ports[i] = resources.freePort();
            services.append("""
                    - name: %s
                      addr: 127.0.0.1:%d
                      resolver: resolver-%s
                      handler: {type: http}
                      listener: {type: tcp}
                    """.formatted(way, ports[i], way));
            String chain = way.substring(0, way.lastIndexOf('-')).replace("-tls", "");
            String protocol = way.substring(way.lastIndexOf('-') + 1);
            resolvers.append("""
                    - name: resolver-%s
                      nameservers:
                      - addr: %s://127.0.0.1:%d
                        chain: chain-%s
                        timeout: 3s
                    """.formatted(way, protocol.equals("dot") ? "tls" : protocol,
                    protocol.equals("dot") ? dotPort : dnsPort, chain));
        }
        Path config = resources.write("gost.yaml", services + """
                chains:
                - name: chain-socks5
                  hops:
                  - name: hop-0
                    nodes:
                    - {name: node-0, addr: 127.0.0.1:%d, connector: {type: socks5}, dialer: {type: tcp}}
                - name: chain-http
                  hops:
                  - name: hop-0
                    nodes:
                    - {name: node-0, addr: 127.0.0.1:%d, connector: {type: http}, dialer: {type: tcp}}
                - name: chain-relay
                  hops:
                  - name: hop-0
                    nodes:
                    - {name: node-0, addr: 127.0.0.1:%d, connector: {type: relay}, dialer: {type: tls}}
                """.formatted(socks, http, relay) + resolvers);
        GostProcess gost = resources.gost("-C", config.toString());
        for (int port : ports) {
            gost.awaitPort(port);
        }

        for (int i = 0; i < WAYS.size(); i++) {
            String way = WAYS.get(i);
            Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + ports[i],
                    "http://" + way + ".gost.test:" + origin.port() + "/hello");
            if (way.equals("http-udp")) {
                // An HTTP proxy carries no datagrams (GOST's http connector refuses udp as well).
                assertThat(result.status()).as(way + ": " + result + "\n" + gost.describe()).isEqualTo(502);
                continue;
            }
            assertThat(result.status()).as(way + ": " + result + "\n" + gost.describe() + "\n" + hop.describe())
                    .isEqualTo(200);
            assertThat(result.body()).isEqualTo(OriginServer.HELLO);
            // dnsmasq answers UDP itself and each TCP connection in a child process of its own
            String askedOverUdp = "dnsmasq[" + dnsmasq.pid() + "]: query[A] " + way + ".gost.test";
            if (way.endsWith("udp")) {
                assertThat(dnsmasq.output()).as("asked over UDP").contains(askedOverUdp);
            } else {
                assertThat(dnsmasq.output()).as("asked over TCP").contains("query[A] " + way + ".gost.test")
                        .doesNotContain(askedOverUdp);
            }
        }
        // The hop's services in the order of its -L: socks5, http, relay+tls; each connected to the nameserver.
        for (int service = 0; service < 3; service++) {
            assertThat(hop.output()).as("hop service-" + service + " reached the nameserver")
                    .containsPattern("service=service-" + service + " sid=\\S+ client=\\S+ dst=127.0.0.1:" + dnsPort
                            + " ");
        }
        assertThat(hop.output()).as("the socks5 hop reached the DNS over TLS server")
                .containsPattern("service=service-0 sid=\\S+ client=\\S+ dst=127.0.0.1:" + dotPort + " ");

        hop.close();
        Curl.Result hopDown = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + ports[0],
                "http://after.gost.test:" + origin.port() + "/hello");

        assertThat(hopDown.status()).as("without the hop the name does not resolve: " + hopDown).isEqualTo(502);
        assertThat(dnsmasq.output()).doesNotContain("after.gost.test");
        assertThat(gost.output()).contains("after.gost.test");
    }

    /** DNS over TLS: stunnel4 on a port of its own, passing each connection on to dnsmasq over TCP. */
    private int startStunnelInFrontOf(int dnsPort) {
        ManagedProcess openssl = resources.process("openssl", List.of("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "dot.key", "-out", "dot.pem", "-days", "2",
                "-subj", "/CN=dot.gost.test"));
        assertThat(openssl.awaitExit()).as(openssl::describe).isZero();
        int dotPort = resources.freePort();
        Path stunnelConfig = resources.write("stunnel.conf", """
                foreground = yes
                pid =
                [dot]
                accept = 127.0.0.1:%d
                connect = 127.0.0.1:%d
                cert = %s
                key = %s
                """.formatted(dotPort, dnsPort, resources.dir().resolve("dot.pem"), resources.dir().resolve("dot.key")));
        resources.process("stunnel", List.of("stunnel4", stunnelConfig.toString())).awaitPort(dotPort);
        return dotPort;
    }
}
