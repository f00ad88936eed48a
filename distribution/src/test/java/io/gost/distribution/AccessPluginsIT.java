package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rest of GOST's access-control pages as a user runs them: bin/gost asking HTTP plugins (admission, bypass,
 * hosts, resolver) served by a plugin server in the test, and resolving names over DNS over TLS (stunnel4 in front
 * of dnsmasq) and DNS over HTTPS (an HTTPS server in the test that hands the query to dnsmasq), the answers used
 * for real dials by curl through the proxy.
 */
class AccessPluginsIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void httpPluginsDecideAdmissionBypassHostsAndResolution() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        AtomicBoolean admitting = new AtomicBoolean(true);
        Queue<String> asked = new ConcurrentLinkedQueue<>();
        HttpServer plugins = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        plugins.createContext("/admission", exchange -> answer(exchange, asked, "admission",
                "{\"ok\":" + admitting.get() + "}"));
        plugins.createContext("/bypass", exchange -> {
            String request = read(exchange);
            asked.add("bypass " + request + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            respond(exchange, 200, "{\"ok\":" + request.contains("blocked.gost.test") + "}");
        });
        plugins.createContext("/hosts", exchange -> {
            String request = read(exchange);
            asked.add("hosts " + request);
            respond(exchange, 200, request.contains("\"mapped.gost.test\"") ? "{\"ips\":[\"127.0.0.1\"],\"ok\":true}"
                    : "{\"ok\":false}");
        });
        plugins.createContext("/resolver", exchange -> {
            String request = read(exchange);
            asked.add("resolver " + request);
            respond(exchange, 200, request.contains("\"resolved.gost.test\"") ? "{\"ips\":[\"127.0.0.1\"],\"ok\":true}"
                    : "{\"ips\":[],\"ok\":false}");
        });
        plugins.start();
        resources.add(() -> plugins.stop(0));
        String base = "http://127.0.0.1:" + plugins.getAddress().getPort();
        int port = resources.freePort();
        int unreachablePort = resources.freePort(); // nothing listens there: a plugin that is down
        int guarded = resources.freePort();
        Path config = resources.write("gost.yaml", """
                services:
                - name: proxy
                  addr: 127.0.0.1:%d
                  admission: admission-0
                  bypass: bypass-0
                  hosts: hosts-0
                  resolver: resolver-0
                  handler: {type: http}
                  listener: {type: tcp}
                - name: guarded
                  addr: 127.0.0.1:%d
                  admission: admission-down
                  handler: {type: http}
                  listener: {type: tcp}
                admissions:
                - name: admission-0
                  plugin: {type: http, addr: '%s/admission'}
                - name: admission-down
                  plugin: {type: http, addr: 'http://127.0.0.1:%d/admission', timeout: 2s}
                bypasses:
                - name: bypass-0
                  plugin: {type: http, addr: '%s/bypass', token: s3cret}
                hosts:
                - name: hosts-0
                  plugin: {type: http, addr: '%s/hosts'}
                resolvers:
                - name: resolver-0
                  plugin: {type: http, addr: '%s/resolver'}
                """.formatted(port, guarded, base, unreachablePort, base, base, base));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port).awaitPort(guarded);
        String proxy = "http://127.0.0.1:" + port;

        Curl.Result mapped = Curl.run(resources.dir(), "-x", proxy, "http://mapped.gost.test:" + origin.port()
                + "/hello");
        Curl.Result resolved = Curl.run(resources.dir(), "-x", proxy, "http://resolved.gost.test:" + origin.port()
                + "/hello");
        Curl.Result unknown = Curl.run(resources.dir(), "-x", proxy, "http://unknown.gost.test:" + origin.port()
                + "/hello");
        Curl.Result bypassed = Curl.run(resources.dir(), "-x", proxy, "http://blocked.gost.test:" + origin.port()
                + "/hello");
        admitting.set(false);
        Curl.Result refused = Curl.run(resources.dir(), "-x", proxy, origin.url("/hello"));
        Curl.Result pluginDown = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + guarded, origin.url("/hello"));

        assertThat(mapped.status()).as("the hosts plugin's address: " + mapped + "\n" + gost.describe())
                .isEqualTo(200);
        assertThat(mapped.body()).isEqualTo(OriginServer.HELLO);
        assertThat(resolved.status()).as("the hosts plugin has none, the resolver plugin's: " + resolved)
                .isEqualTo(200);
        assertThat(unknown.status()).as("the resolver plugin answered ok false: " + unknown).isEqualTo(502);
        assertThat(bypassed.status()).as("the bypass plugin answered ok true: " + bypassed).isEqualTo(403);
        assertThat(refused.status()).as("the admission plugin answered ok false: " + refused).isZero();
        assertThat(refused.exitCode()).isNotZero();
        assertThat(pluginDown.status()).as("an admission plugin that cannot be asked admits nobody: " + pluginDown)
                .isZero();
        assertThat(asked).anySatisfy(request -> assertThat(request).startsWith("admission {\"service\":\"proxy\","
                + "\"network\":\"tcp\",\"addr\":\"127.0.0.1:"));
        assertThat(asked).contains("bypass {\"service\":\"proxy\",\"network\":\"tcp\",\"addr\":\"blocked.gost.test:"
                + origin.port() + "\",\"client\":\"\",\"host\":\"\",\"path\":\"\"} Bearer s3cret");
        assertThat(asked).contains("hosts {\"network\":\"tcp\",\"host\":\"mapped.gost.test\",\"client\":\"\"}",
                "resolver {\"network\":\"tcp\",\"host\":\"resolved.gost.test\",\"client\":\"\"}");
        Waits.until("gost to log the plugin that is down", ManagedProcess.START_TIMEOUT,
                () -> gost.output().contains("admission admission-down: cannot reach http://127.0.0.1:"
                        + unreachablePort + "/admission"), () -> !gost.isAlive(), gost::describe);
        assertThat(gost.output()).contains("refused by admission admission-0");
        // The port probe closed while its admission was being asked: its end of stream reaches the handler.
        Waits.until("the probe's connection to end", ManagedProcess.START_TIMEOUT,
                () -> gost.output().contains("sid=1-proxy"), () -> !gost.isAlive(), gost::describe);
    }

    @Test
    void aResolverAsksOverDnsOverTlsThroughStunnelInFrontOfDnsmasq() {
        OriginServer origin = resources.add(new OriginServer());
        int dnsPort = startDnsmasq();
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "dot.key", "-out", "dot.pem", "-days", "2", "-subj", "/CN=dot.gost.test");
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
        int port = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://127.0.0.1:" + port + "?resolver=tls://127.0.0.1:" + dotPort)
                .awaitPort(port);

        Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port,
                "http://origin.gost.test:" + origin.port() + "/hello");

        assertThat(result.status()).as(result + "\n" + gost.describe()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    @Test
    void anHttpsPluginsCertificateIsCheckedUnlessItsTlsBlockSaysNotTo() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        Queue<String> asked = new ConcurrentLinkedQueue<>();
        HttpsServer plugins = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        plugins.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
        plugins.createContext("/admission", exchange -> answer(exchange, asked, "admission", "{\"ok\":true}"));
        plugins.start();
        resources.add(() -> plugins.stop(0));
        String url = "https://127.0.0.1:" + plugins.getAddress().getPort() + "/admission";
        int verifying = resources.freePort();
        int trusting = resources.freePort();
        Path config = resources.write("gost.yaml", """
                services:
                - name: verifying
                  addr: 127.0.0.1:%d
                  admission: admission-verifying
                  handler: {type: http}
                  listener: {type: tcp}
                - name: trusting
                  addr: 127.0.0.1:%d
                  admission: admission-trusting
                  handler: {type: http}
                  listener: {type: tcp}
                admissions:
                - name: admission-verifying
                  plugin: {type: http, addr: '%s'}
                - name: admission-trusting
                  plugin: {type: http, addr: '%s', tls: {secure: false}}
                """.formatted(verifying, trusting, url, url));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(verifying).awaitPort(trusting);

        Curl.Result selfSignedRefused = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + verifying,
                origin.url("/hello"));
        Curl.Result trusted = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + trusting, origin.url("/hello"));

        assertThat(trusted.status()).as("tls.secure false: the self-signed plugin is asked: " + trusted + "\n"
                + gost.describe()).isEqualTo(200);
        assertThat(selfSignedRefused.status()).as("no tls block: the certificate is checked, as GOST's default"
                + " HTTP client does, and a plugin that cannot be asked admits nobody: " + selfSignedRefused)
                .isZero();
        Waits.until("gost to log why the verifying plugin cannot be asked", ManagedProcess.START_TIMEOUT,
                () -> gost.output().contains("admission admission-verifying: cannot reach " + url),
                () -> !gost.isAlive(), gost::describe);
    }

    @Test
    void aResolverAsksOverDnsOverHttpsWithRfc8484Posts() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        int dnsPort = startDnsmasq();
        Queue<String> requests = new ConcurrentLinkedQueue<>();
        HttpsServer doh = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        doh.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
        doh.createContext("/dns-query", exchange -> {
            byte[] query = exchange.getRequestBody().readAllBytes();
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestHeaders().getFirst("Host"));
            byte[] answer = askOverTcp(dnsPort, query);
            exchange.getResponseHeaders().set("Content-Type", "application/dns-message");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        doh.start();
        resources.add(() -> doh.stop(0));
        int port = resources.freePort();
        Path config = resources.write("gost.yaml", """
                services:
                - name: proxy
                  addr: 127.0.0.1:%d
                  resolver: resolver-0
                  handler: {type: http}
                  listener: {type: tcp}
                resolvers:
                - name: resolver-0
                  nameservers:
                  - addr: https://127.0.0.1:%d/dns-query
                    hostname: doh.gost.test
                """.formatted(port, doh.getAddress().getPort()));
        GostProcess gost = resources.gost("-C", config.toString()).awaitPort(port);

        Curl.Result result = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + port,
                "http://origin.gost.test:" + origin.port() + "/hello");

        assertThat(result.status()).as(result + "\n" + gost.describe()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
        assertThat(requests).isNotEmpty().allSatisfy(request -> assertThat(request).isEqualTo(
                "POST /dns-query application/dns-message doh.gost.test:" + doh.getAddress().getPort()));
    }

    /** dnsmasq on a free port (UDP and TCP), answering origin.gost.test with 127.0.0.1. */
    private int startDnsmasq() {
        int dnsPort = resources.freePort();
        resources.process("dnsmasq", List.of("dnsmasq", "--keep-in-foreground", "--port=" + dnsPort,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--user=root",
                "--pid-file=", "--log-facility=-", "--address=/origin.gost.test/127.0.0.1")).awaitPort(dnsPort);
        return dnsPort;
    }

    /** One DNS exchange over TCP (RFC 1035's two-byte length before each message). */
    private static byte[] askOverTcp(int dnsPort, byte[] query) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), dnsPort)) {
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return answer;
        }
    }

    /** A TLS server context with a key pair keytool makes now. */
    private SSLContext serverContext() throws Exception {
        Path keystore = resources.dir().resolve("doh.p12");
        ManagedProcess keytool = resources.process("keytool", List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-keystore",
                keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit",
                "-alias", "doh", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=doh.gost.test",
                "-validity", "2"));
        assertThat(keytool.awaitExit()).as(keytool::describe).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private void openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ManagedProcess openssl = resources.process("openssl", command);
        assertThat(openssl.awaitExit()).as(openssl::describe).isZero();
    }

    private static void answer(HttpExchange exchange, Queue<String> asked, String kind, String answer)
            throws IOException {
        asked.add(kind + " " + read(exchange));
        respond(exchange, 200, answer);
    }

    private static String read(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
