package io.gost.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.TlsOptions;
import io.gost.runtime.config.CommandLineParser;
import io.gost.runtime.config.ConfigWriter;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.GostKeys;
import io.gost.runtime.config.HoconConfigLoader;
import io.gost.runtime.config.YamlConfigLoader;
import io.gost.runtime.registry.PluginRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GOST's {@code tls} blocks (on listeners, dialers, handlers, connectors, and at the top level) and its TLS
 * query keys planned against the real tls and ws plugins: each key reaches the plugin that reads it, or is
 * refused at its own line saying why.
 */
class TlsPlanningTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.load();

    @TempDir
    static Path directory;
    private static String cert;
    private static String key;
    private static String ca;

    @BeforeAll
    static void makeCertificate() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2",
                "-subj", "/CN=localhost").directory(directory.toFile()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).isZero();
        cert = directory.resolve("cert.pem").toString();
        key = directory.resolve("key.pem").toString();
        ca = cert;
    }

    private static Planner.Result yaml(String... lines) {
        GostConfig config = new YamlConfigLoader().parse(String.join("\n", lines), "app.yaml");
        return Planner.plan(config, REGISTRY);
    }

    private static Planner.Result commandLine(List<String> services, List<String> nodes) {
        return Planner.plan(new CommandLineParser().parse(services, nodes), REGISTRY);
    }

    @Nested
    class TheListenersBlock {

        @Test
        void reachesTheTlsListenerAndCheckShowsWhereTheCertificateComesFrom() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: web",
                    "  addr: :8443",
                    "  handler: {type: http}",
                    "  listener:",
                    "    type: tls",
                    "    tls:",
                    "      certFile: " + cert,
                    "      keyFile: " + key,
                    "      caFile: " + ca,
                    "      options: {minVersion: VersionTLS13, alpn: [http/1.1]}");

            assertThat(result.problems()).isEmpty();
            TlsOptions tls = result.plan().services().get(0).listener().tls();
            assertThat(tls.certFile()).isEqualTo(cert);
            assertThat(tls.caFile()).isEqualTo(ca);
            assertThat(tls.minVersion()).isEqualTo(TlsOptions.Version.TLS_1_3);
            assertThat(tls.alpn()).containsExactly("http/1.1");
            assertThat(PlanDescription.describe(result.plan())).contains("tls: certificate " + cert + ", key " + key
                    + " (reloaded when they change); client certificates required, chaining to " + ca
                    + "; TLSv1.3 and later; ALPN http/1.1 [tls block at app.yaml:7: services[0].listener.tls]");
        }

        @Test
        void onAListenerThatDoesNotSpeakTlsIsAnErrorNotAWarning() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: plain",
                    "  addr: :8080",
                    "  listener:",
                    "    type: ws",
                    "    tls: {certFile: " + cert + ", keyFile: " + key + "}");

            assertThat(result.problems()).containsExactly("app.yaml:6: services[0].listener.tls: the listener ws"
                    + " does not use TLS settings, so this tls block would be ignored; use a listener that speaks"
                    + " TLS (tls, wss; -L https://, tls://, socks5+tls:// ...)");
        }

        @Test
        void clientKeysAreRefusedAtTheirLine() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8443",
                    "  listener:",
                    "    type: tls",
                    "    tls:",
                    "      secure: true");

            assertThat(result.problems()).containsExactly("app.yaml:7: services[0].listener.tls.secure: 'secure' is"
                    + " a TLS client's setting; the listener tls is a TLS server (its tls block has certFile/keyFile,"
                    + " and caFile to require client certificates)");
        }

        @Test
        void aMissingFileIsNamedAtItsLine() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8443",
                    "  listener:",
                    "    type: tls",
                    "    tls:",
                    "      certFile: /nonexistent/cert.pem",
                    "      keyFile: " + key);

            assertThat(result.problems()).containsExactly("app.yaml:7: services[0].listener.tls.certFile: certFile"
                    + " '/nonexistent/cert.pem' does not exist");
        }

        @Test
        void aFileThatIsNoCertificateIsRefusedByThePluginBeforeAnythingStarts() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8443",
                    "  listener:",
                    "    type: tls",
                    "    tls: {certFile: " + key + ", keyFile: " + key + "}");

            assertThat(result.problems()).singleElement().asString()
                    .isEqualTo("app.yaml:4: services[0].listener: listener 'tls': certFile '" + key
                            + "' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        @Test
        void anUnknownVersionIsAnErrorWhereGostIgnoresIt() {
            assertThatThrownBy(() -> yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8443",
                    "  listener:",
                    "    type: tls",
                    "    tls:",
                    "      options:",
                    "        minVersion: TLS1.2"))
                    .hasMessage("app.yaml:8: services[0].listener.tls.options.minVersion: unknown TLS version"
                            + " 'TLS1.2'; use VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13");
        }

        @Test
        void withoutAnyBlockTheCertificateIsGeneratedAtStart() {
            Planner.Result result = commandLine(List.of("tls://:8443"), List.of());

            assertThat(result.problems()).isEmpty();
            assertThat(result.plan().services().get(0).handler().type()).isEqualTo("auto");
            assertThat(PlanDescription.describe(result.plan())).contains("tls: self-signed certificate generated"
                    + " at start (CN gost.run, O GOST, valid 8760h); no client certificates asked for; TLSv1.2 and"
                    + " later [built-in defaults]");
        }
    }

    @Nested
    class TheTopLevelBlock {

        @Test
        void isTheDefaultOfListenersWithoutACertificateOfTheirOwnAsInGost() {
            Planner.Result result = yaml(
                    "tls:",
                    "  certFile: " + cert,
                    "  keyFile: " + key,
                    "  caFile: " + ca,
                    "services:",
                    "- name: default",
                    "  addr: :8443",
                    "  listener:",
                    "    type: tls",
                    "    tls: {options: {maxVersion: VersionTLS12}}",
                    "- name: own",
                    "  addr: :9443",
                    "  listener:",
                    "    type: wss",
                    "    tls: {certFile: " + cert + ", keyFile: " + key + "}");

            assertThat(result.problems()).isEmpty();
            TlsOptions inherited = result.plan().services().get(0).listener().tls();
            TlsOptions own = result.plan().services().get(1).listener().tls();
            assertThat(inherited.certFile()).isEqualTo(cert);
            assertThat(inherited.caFile()).isEqualTo(ca);
            assertThat(inherited.maxVersion()).isEqualTo(TlsOptions.Version.TLS_1_2);
            assertThat(inherited.source()).isEqualTo("tls block at app.yaml:10: services[0].listener.tls over the"
                    + " top-level tls block");
            // A block with its own certificate stands alone: the top-level caFile does not reach it.
            assertThat(own.caFile()).isNull();
            assertThat(result.warnings()).isEmpty();
        }

        @Test
        void unusedItIsAWarningAndClientKeysInItAreErrors() {
            Planner.Result unused = yaml(
                    "tls: {certFile: " + cert + ", keyFile: " + key + "}",
                    "services:",
                    "- name: s",
                    "  addr: :8080");
            Planner.Result clientKey = yaml(
                    "tls:",
                    "  serverName: example.com",
                    "services:",
                    "- name: s",
                    "  addr: :8443",
                    "  listener: {type: tls}");

            assertThat(unused.problems()).isEmpty();
            assertThat(unused.warnings()).anySatisfy(warning -> assertThat(warning).startsWith("app.yaml:1: tls: the"
                    + " top-level tls block is used by no service"));
            assertThat(clientKey.problems()).containsExactly("app.yaml:2: tls.serverName: 'serverName' is a TLS"
                    + " client's setting, and the top-level tls block is the default of TLS servers (listeners);"
                    + " put it in a dialer's tls block");
        }
    }

    @Nested
    class TheDialersBlock {

        @Test
        void carriesGostsClientKeysAndServerKeysAreRefused() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :8080",
                    "  handler: {type: http, chain: c}",
                    "chains:",
                    "- name: c",
                    "  hops:",
                    "  - name: h",
                    "    nodes:",
                    "    - name: n",
                    "      addr: proxy.example:443",
                    "      connector: {type: http}",
                    "      dialer:",
                    "        type: tls",
                    "        tls:",
                    "          secure: true",
                    "          serverName: proxy.example",
                    "          caFile: " + ca,
                    "          commonName: nope");

            assertThat(result.problems()).containsExactly("app.yaml:19: chains[0].hops[0].nodes[0].dialer.tls"
                    + ".commonName: 'commonName' is a TLS server's setting; the dialer tls is a TLS client (its tls"
                    + " block has secure, serverName, caFile, and certFile/keyFile for a client certificate)");
        }

        @Test
        void onAConnectorOrHandlerIsRefusedSayingWhereTlsGoes() {
            Planner.Result result = yaml(
                    "services:",
                    "- name: s",
                    "  addr: :1080",
                    "  handler:",
                    "    type: socks5",
                    "    tls: {certFile: " + cert + ", keyFile: " + key + "}");

            assertThat(result.problems()).containsExactly("app.yaml:6: services[0].handler.tls: the handler socks5"
                    + " does not use TLS settings, so this tls block would be ignored; TLS goes on the listener"
                    + " (listener: {type: tls, tls: {...}}); gost-java has no TLS inside handler protocols");
        }
    }

    @Nested
    class TheCommandLine {

        @Test
        void listenerFilesAndDialerVerificationAreGostsQueryKeys() {
            Planner.Result result = commandLine(List.of("https://:8443?cert=" + cert + "&key=" + key + "&ca=" + ca),
                    List.of("socks5+tls://proxy.example:443?secure=true&serverName=other.example&caFile=" + ca));

            assertThat(result.problems()).isEmpty();
            ServicePlan service = result.plan().services().get(0);
            assertThat(service.handler().type()).isEqualTo("http");
            assertThat(service.listener().tls().certFile()).isEqualTo(cert);
            assertThat(service.listener().tls().caFile()).isEqualTo(ca);
            TlsOptions dialer = result.plan().chains().get(0).hops().get(0).nodes().get(0).dialer().tls();
            assertThat(dialer.secure()).isTrue();
            assertThat(dialer.serverName()).isEqualTo("other.example");
            assertThat(dialer.caFile()).isEqualTo(ca);
            assertThat(result.plan().chains().get(0).hops().get(0).nodes().get(0).connector().metadata().isEmpty())
                    .as("TLS keys reach no connector, node or hop metadata").isTrue();
        }

        @Test
        void aCertificateForAPlainListenerIsRefusedNamingTheQueryKey() {
            Planner.Result result = commandLine(List.of("socks5://:1080?certFile=" + cert), List.of());

            assertThat(result.problems()).containsExactly("-L 'socks5://:1080?certFile=" + cert + "': listener.tls:"
                    + " the listener tcp does not use TLS settings, so this tls block would be ignored; use a listener"
                    + " that speaks TLS (tls, wss; -L https://, tls://, socks5+tls:// ...)");
        }

        @Test
        void tlsBlockKeysTheCommandLineCannotSetAreRefusedSayingWhereTheyGo() {
            assertThatThrownBy(() -> new CommandLineParser().parse(
                    List.of("http+tls://:8443?rejectUnknownSNI=true&serverNames=example.com"), List.of()))
                    .hasMessageContaining("-L 'http+tls://:8443?rejectUnknownSNI=true&serverNames=example.com':"
                            + " rejectUnknownSNI: 'rejectUnknownSNI' belongs in a tls block, which the command line"
                            + " cannot set beyond certFile, keyFile and caFile (GOST ignores it here); write it in a"
                            + " configuration file: listener: {type: tls, tls: {rejectUnknownSNI: ...}}")
                    .hasMessageContaining("serverNames: 'serverNames' belongs in a tls block");
        }

        @Test
        void secureThatIsNotABooleanIsRefused() {
            assertThatThrownBy(() -> new CommandLineParser().parse(List.of(":8080"),
                    List.of("https://proxy:443?secure=yes")))
                    .hasMessage("-F 'https://proxy:443?secure=yes': secure 'yes' is not true or false");
        }

        @Test
        void theOutputOfDashOIsGostsYamlAndLoadsAgain() {
            GostConfig config = new CommandLineParser().parse(List.of("wss://:8443?cert=" + cert + "&key=" + key
                    + "&path=/x"), List.of("wss://peer:443?secure=true&serverName=peer.example"));

            String yaml = ConfigWriter.toYaml(config);
            GostConfig again = new YamlConfigLoader().parse(yaml, "out.yaml");

            assertThat(yaml).contains("tls:\n        certFile: " + cert);
            assertThat(again.services().get(0).listener().tls().certFile()).isEqualTo(cert);
            assertThat(again.chains().get(0).hops().get(0).nodes().get(0).dialer().tls().serverName())
                    .isEqualTo("peer.example");
            assertThat(Planner.plan(again, REGISTRY).problems()).isEmpty();
        }
    }

    @Test
    void gostKeysSaysYesForTheBlocksPluginsReadAndNotYetForHandlersAndConnectors() {
        GostKeys catalog = GostKeys.shipped();
        java.util.function.BiFunction<String, String, String> status = (scope, key) -> KeyTable.status(
                catalog.find(scope, key).orElseThrow(), REGISTRY).label();

        assertThat(status.apply("section:services[].listener", "tls")).isEqualTo("yes");
        assertThat(status.apply("section:services[].listener.tls", "caFile")).isEqualTo("yes");
        assertThat(status.apply("section:chains[].hops[].nodes[].dialer.tls.options", "minVersion"))
                .isEqualTo("yes");
        assertThat(status.apply("section:", "tls")).isEqualTo("yes");
        assertThat(status.apply("section:services[].handler", "tls")).isEqualTo("not yet");
        assertThat(status.apply("section:services[].handler.tls", "certFile")).isEqualTo("not yet");
        assertThat(status.apply("section:chains[].hops[].nodes[].connector.tls", "secure")).isEqualTo("not yet");
        assertThat(status.apply("cli:L", "tls.certFile")).isEqualTo("yes");
        assertThat(status.apply("cli:F", "tls.servername")).isEqualTo("yes");
    }

    @Test
    void hoconReadsTheSameBlock() {
        GostConfig config = new HoconConfigLoader().parse("services = [{name = s, addr = \":8443\", listener = {type = tls,"
                + " tls = {certFile = \"" + cert + "\", keyFile = \"" + key + "\", options = {cipherSuites ="
                + " [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]}}}}]", "app.conf");

        Planner.Result result = Planner.plan(config, REGISTRY);

        assertThat(result.problems()).isEmpty();
        assertThat(result.plan().services().get(0).listener().tls().cipherSuites())
                .containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }
}
