package io.gost.runtime.operations;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.ConfigLoader;
import io.gost.runtime.registry.PluginRegistry;
import io.gost.runtime.reload.ConfigSource;
import io.gost.runtime.reload.Reloader;
import io.gost.runtime.transport.NettyTransport;
import io.gost.testkit.netns.RecordingNetnsProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GOST's Prometheus metrics as Prometheus itself sees them: a real {@code prometheus} server scrapes gost-java,
 * {@code promtool check metrics} accepts the output, and the names, types and labels are GOST's.
 */
class MetricsTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.load();

    @TempDir
    static Path directory;

    private static ApiTest.Greeter red;
    private static NettyTransport transport;
    private static GostRuntime runtime;
    private static Reloader reloader;
    private static Operations operations;
    private static String metricsUrl;
    private static int servicePort;
    private static int chainedPort;

    @BeforeAll
    static void start() throws Exception {
        red = new ApiTest.Greeter("red");
        servicePort = ApiTest.freePort();
        chainedPort = ApiTest.freePort();
        int deadProxy = ApiTest.freePort();
        int proxyPort = ApiTest.freePort();
        int viaProxyPort = ApiTest.freePort();
        Path config = directory.resolve("gost.yaml");
        Files.writeString(config, "services:\n"
                + "  - name: web\n    addr: 127.0.0.1:" + servicePort + "\n    handler: {type: tcp}\n"
                + "    forwarder: {nodes: [{name: t, addr: 127.0.0.1:" + red.port() + "}]}\n"
                + "  - name: chained\n    addr: 127.0.0.1:" + chainedPort + "\n    handler: {type: tcp, chain: c}\n"
                + "    forwarder: {nodes: [{name: t, addr: 127.0.0.1:" + red.port() + "}]}\n"
                + "  - name: proxy\n    addr: 127.0.0.1:" + proxyPort + "\n    handler: {type: http}\n"
                + "  - name: via-proxy\n    addr: 127.0.0.1:" + viaProxyPort + "\n    handler: {type: tcp, chain: good}\n"
                + "    forwarder: {nodes: [{name: t, addr: 127.0.0.1:" + red.port() + "}]}\n"
                + "chains:\n  - name: c\n    hops: [{name: h, nodes: [{name: dead, addr: 127.0.0.1:" + deadProxy + "}]}]\n"
                + "  - name: good\n    hops: [{name: h, nodes: [{name: local, addr: 127.0.0.1:" + proxyPort + "}]}]\n"
                + "metrics:\n  addr: 127.0.0.1:0\n");
        transport = NettyTransport.create(2);
        ConfigSource source = ConfigSource.file(config, () -> ConfigLoader.load(config));
        runtime = GostRuntime.create(source.load(), REGISTRY, new RecordingNetnsProvider(), transport);
        runtime.start();
        reloader = new Reloader(runtime, REGISTRY, source);
        operations = new Operations(reloader, transport, config);
        operations.apply(runtime.plan());
        metricsUrl = "http://127.0.0.1:" + ((InetSocketAddress) operations.metricsAddress().orElseThrow()).getPort()
                + "/metrics";
        for (int i = 0; i < 3; i++) {
            assertThat(ApiTest.greeting(servicePort)).isEqualTo("red");
        }
        assertThat(ApiTest.greeting(viaProxyPort)).isEqualTo("red");
        try {
            ApiTest.greeting(chainedPort);
        } catch (IOException expected) {
            // the chain's only node is dead: a chain error
        }
    }

    @AfterAll
    static void stop() throws IOException {
        operations.close();
        reloader.close();
        runtime.close();
        transport.close();
        red.close();
    }

    @Test
    void gostsMetricsHaveGostsNamesTypesAndLabels() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> scrape().contains("gost_service_request_duration_seconds_count"
                + "{host=\"" + host() + "\",service=\"web\"} 3"));
        String metrics = scrape();

        String host = "host=\"" + host() + "\"";
        assertThat(metrics).contains("# TYPE gost_services gauge", "# TYPE gost_service_requests_total counter",
                "# TYPE gost_service_requests_in_flight gauge", "# TYPE gost_service_request_duration_seconds histogram",
                "# TYPE gost_service_transfer_input_bytes_total counter",
                "# TYPE gost_service_transfer_output_bytes_total counter",
                "# TYPE gost_service_handler_errors_total counter", "# TYPE gost_chain_errors_total counter",
                "# TYPE gost_chain_node_connect_duration_seconds histogram",
                "jvm_memory_used_bytes", "netty_allocator_memory_used_bytes{allocator=");
        assertThat(value(metrics, "gost_services{" + host + "}")).isEqualTo(4);
        assertThat(value(metrics, "gost_chain_node_connect_duration_seconds_count{chain=\"good\"," + host
                + ",node=\"local\"}")).isEqualTo(1);
        assertThat(value(metrics, "gost_service_requests_total{" + host + ",service=\"web\"}")).isEqualTo(3);
        assertThat(value(metrics, "gost_service_requests_in_flight{" + host + ",service=\"web\"}")).isEqualTo(0);
        assertThat(value(metrics, "gost_service_request_duration_seconds_bucket{" + host
                + ",service=\"web\",le=\"60.0\"}")).isEqualTo(3);
        // Each greeting is "red\n": 4 bytes to the client, none from it.
        assertThat(value(metrics, "gost_service_transfer_output_bytes_total{" + host + ",service=\"web\"}")).isEqualTo(12);
        assertThat(value(metrics, "gost_service_transfer_input_bytes_total{" + host + ",service=\"web\"}")).isEqualTo(0);
        assertThat(value(metrics, "gost_service_handler_errors_total{" + host + ",service=\"web\"}")).isEqualTo(0);
        assertThat(value(metrics, "gost_service_handler_errors_total{" + host + ",service=\"chained\"}")).isEqualTo(1);
        assertThat(value(metrics, "gost_chain_errors_total{chain=\"c\"," + host + ",node=\"dead\"}")).isEqualTo(1);
        assertThat(metrics).doesNotContain("client=");
    }

    @Test
    void promtoolAcceptsTheOutput() throws Exception {
        Path scraped = directory.resolve("scrape.txt");
        Files.writeString(scraped, scrape());

        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectInput(scraped.toFile())
                .redirectErrorStream(true).start();
        String output = new String(promtool.getInputStream().readAllBytes(), UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(promtool.exitValue()).as(output).isZero();
    }

    @Test
    void aRealPrometheusScrapesGost() throws Exception {
        int port = ApiTest.freePort();
        Path prometheusConfig = directory.resolve("prometheus.yml");
        Files.writeString(prometheusConfig, "global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
                + "scrape_configs:\n  - job_name: gost\n    static_configs: [{targets: ['"
                + metricsUrl.replace("http://", "").replace("/metrics", "") + "']}]\n");
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + prometheusConfig,
                "--storage.tsdb.path=" + directory.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile()).start();
        try {
            String query = "http://127.0.0.1:" + port + "/api/v1/query?query="
                    + URLEncoder.encode("gost_service_requests_total{service=\"web\"}", UTF_8);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                ApiTest.Curl.Result result = ApiTest.Curl.run(query);
                return result.status() == 200 && result.body().contains("\"value\":[");
            });
            String answer = ApiTest.Curl.run(query).body();
            assertThat(answer).contains("\"__name__\":\"gost_service_requests_total\"").contains("\"service\":\"web\"")
                    .contains("\"job\":\"gost\"").containsPattern("\"value\":\\[[0-9.]+,\"3\"\\]");
            String up = ApiTest.Curl.run("http://127.0.0.1:" + port + "/api/v1/targets").body();
            assertThat(up).contains("\"health\":\"up\"");
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    private static String scrape() throws IOException, InterruptedException {
        ApiTest.Curl.Result result = ApiTest.Curl.run(metricsUrl);
        assertThat(result.status()).isEqualTo(200);
        return result.body();
    }

    private static String host() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    }

    /** The value of one series in the text format. */
    private static double value(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + metrics));
    }
}
