package io.gost.plugin.http.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Handler;
import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.http.testing.Curl;
import io.gost.plugin.http.testing.EchoOrigin;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.plugin.http.testing.ProxyServer;
import io.gost.testkit.TestPluginContext;
import io.gost.testkit.TestTransport;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Handler {@code http} on a real socket, driven by curl, in front of a real HTTP origin. */
@ExtendWith(NettyLeakDetection.class)
class HttpProxyCurlIntegrationTest {

    private static TestTransport transport;
    private static EchoOrigin origin;
    private ProxyServer proxy;

    @BeforeAll
    static void startOrigin() {
        transport = new TestTransport();
        origin = new EchoOrigin(transport);
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
        transport.close();
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void getIsForwardedInOriginFormWithoutHopByHopHeaders() throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));

        Curl.Result curl = Curl.run("-x", proxyUrl, "-H", "Proxy-Connection: keep-alive", origin.url("/hello?x=1"));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        assertThat(curl.stdout()).startsWith("GET /hello?x=1 HTTP/1.1\n")
                .contains("host: 127.0.0.1:" + origin.port() + "\n")
                .doesNotContainIgnoringCase("proxy-connection");
    }

    @Test
    void postBodyIsForwarded() throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));

        Curl.Result curl = Curl.run("-x", proxyUrl, "--data", "name=gost&lang=java", origin.url("/form"));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        assertThat(curl.stdout()).startsWith("POST /form HTTP/1.1\n").endsWith("\n\nname=gost&lang=java");
    }

    @Test
    void chunkedUploadOfFourMebibytesIsStreamedThrough(@TempDir Path directory) throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));
        Path upload = directory.resolve("upload.bin");
        Files.write(upload, new byte[4 * 1024 * 1024]);

        Curl.Result curl = Curl.run("-x", proxyUrl, "-H", "Transfer-Encoding: chunked",
                "--data-binary", "@" + upload, origin.url("/upload"));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        assertThat(curl.stdout()).startsWith("POST /upload HTTP/1.1\n").endsWith("body-length: " + 4 * 1024 * 1024);
    }

    @Test
    void uploadOfOneMebibyteWithContentLengthArrivesWhole(@TempDir Path directory) throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));
        Path upload = directory.resolve("upload.bin");
        Files.write(upload, new byte[1024 * 1024]);

        // curl sends Expect: 100-continue for this size, so the head and the body go in separate reads.
        Curl.Result curl = Curl.run("-x", proxyUrl, "--data-binary", "@" + upload, origin.url("/upload"));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        assertThat(curl.stdout()).startsWith("POST /upload HTTP/1.1\n").endsWith("body-length: " + 1024 * 1024);
    }

    @Test
    void largeResponseIsStreamedBack() throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));
        int size = 3 * 1024 * 1024;

        Curl.Result curl = Curl.run("-x", proxyUrl, "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                origin.url("/big/" + size));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        assertThat(curl.stdout()).isEqualTo("200 " + size);
    }

    @Test
    void connectTunnelCarriesTheRequest() throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));

        Curl.Result curl = Curl.run("-p", "-x", proxyUrl, origin.url("/through-tunnel"));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        // Through a tunnel the origin sees curl's own origin-form request.
        assertThat(curl.stdout()).startsWith("GET /through-tunnel HTTP/1.1\n");
    }

    @Test
    void proxyCredentialsAreAccepted() throws Exception {
        String proxyUrl = startProxy(withUser("alice", "secret"));

        Curl.Result curl = Curl.run("-x", proxyUrl, "--proxy-user", "alice:secret", origin.url("/private"));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        assertThat(curl.stdout()).startsWith("GET /private HTTP/1.1\n").doesNotContainIgnoringCase("proxy-authorization");
    }

    @Test
    void missingProxyCredentialsGet407() throws Exception {
        String proxyUrl = startProxy(withUser("alice", "secret"));

        Curl.Result curl = Curl.run("-x", proxyUrl, "-o", "/dev/null", "-w", "%{http_code}", origin.url("/private"));

        assertThat(curl.stdout()).as(curl.toString()).isEqualTo("407");
    }

    @Test
    void connectWithProxyCredentialsIsAccepted() throws Exception {
        String proxyUrl = startProxy(withUser("alice", "secret"));

        Curl.Result curl = Curl.run("-p", "-x", proxyUrl, "--proxy-user", "alice:secret", origin.url("/tunnel"));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        assertThat(curl.stdout()).startsWith("GET /tunnel HTTP/1.1\n");
    }

    @Test
    void twoRequestsShareOneClientConnectionAndOneUpstreamConnection() throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));
        int originConnectionsBefore = origin.acceptedConnections();

        Curl.Result curl = Curl.run("-x", proxyUrl, origin.url("/first"), origin.url("/second"));

        assertThat(curl.exitCode()).as(curl.toString()).isZero();
        assertThat(curl.stdout()).contains("GET /first HTTP/1.1\n").contains("GET /second HTTP/1.1\n");
        assertThat(proxy.acceptedConnections()).isEqualTo(1);
        assertThat(origin.acceptedConnections() - originConnectionsBefore).isEqualTo(1);
    }

    @Test
    void refusedTargetGets502() throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Curl.Result curl = Curl.run("-x", proxyUrl, "-w", "\n%{http_code}", "http://127.0.0.1:" + closedPort + "/");

        assertThat(curl.stdout()).as(curl.toString()).contains("cannot reach 127.0.0.1:" + closedPort).endsWith("\n502");
    }

    @Test
    void oversizedHeaderGets431() throws Exception {
        String proxyUrl = startProxy(PluginContext.named("service-0"));

        Curl.Result curl = Curl.run("-x", proxyUrl, "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "X-Big: " + "a".repeat(70 * 1024), origin.url("/"));

        assertThat(curl.stdout()).as(curl.toString()).isEqualTo("431");
    }

    @Test
    void theHeaderMapReachesCurlOnTheProxysOwnAnswersButNotOnTheOrigins() throws Exception {
        String proxyUrl = startProxy(Metadata.of(java.util.Map.of("header", java.util.Map.of("X-Proxy", "gost-java"))),
                PluginContext.named("service-0"));

        Curl.Result tunnel = Curl.run("-v", "-p", "-x", proxyUrl, origin.url("/tunnel"));
        Curl.Result forwarded = Curl.run("-v", "-x", proxyUrl, origin.url("/forwarded"));

        assertThat(tunnel.exitCode()).as(tunnel.toString()).isZero();
        assertThat(tunnel.stderr()).as(tunnel.toString()).contains("< HTTP/1.1 200 Connection established")
                .contains("< X-Proxy: gost-java");
        assertThat(forwarded.exitCode()).as(forwarded.toString()).isZero();
        assertThat(forwarded.stderr()).as(forwarded.toString()).doesNotContain("X-Proxy");
    }

    // ---------------------------------------------------------------- helpers

    private String startProxy(PluginContext context) {
        return startProxy(Metadata.empty(), context);
    }

    private String startProxy(Metadata metadata, PluginContext context) {
        Handler handler = new HttpHandlerFactory().create(metadata, context);
        proxy = new ProxyServer(transport, handler);
        return "http://127.0.0.1:" + proxy.port();
    }

    private static PluginContext withUser(String username, String password) {
        return TestPluginContext.acceptingUser("service-0", username, password);
    }
}
