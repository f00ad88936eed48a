package io.gost.plugin.http.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.api.Metadata;
import io.gost.api.PluginContext;
import io.gost.plugin.http.testing.Curl;
import io.gost.plugin.http.testing.ErrorRecordingContext;
import io.gost.plugin.http.testing.NettyLeakDetection;
import io.gost.plugin.http.testing.ProxyServer;
import io.gost.plugin.http.testing.ScriptedOrigin;
import io.gost.testkit.TestTransport;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What real clients found (issue 13): failures must reach curl as failures, and the connection's log line
 * ({@code HandlerContext.recordError}) must say what happened.
 */
@ExtendWith(NettyLeakDetection.class)
class HttpProxyFailuresCurlTest {

    /** curl's exit codes for a transfer that ended early: partial file, or a receive failure (a reset). */
    private static final List<Integer> TRUNCATED = List.of(18, 56);

    private static TestTransport transport;
    private final List<Throwable> errors = ErrorRecordingContext.errorList();
    private ProxyServer proxy;

    @BeforeAll
    static void startTransport() {
        transport = new TestTransport();
    }

    @AfterAll
    static void stopTransport() {
        transport.close();
    }

    @BeforeEach
    void startProxy() {
        proxy = new ProxyServer(transport, new HttpHandlerFactory().create(Metadata.empty(),
                PluginContext.named("service-0")), context -> new ErrorRecordingContext(context, errors));
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @Test
    void aBodyWithoutLengthThatTheOriginResetsReachesCurlAsAnErrorAndTheLogLineNamesIt() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin("x".repeat(1000), true)) {
            Curl.Result curl = Curl.run("-x", proxyUrl(), "-o", "/dev/null", origin.url("/partial"));
            origin.awaitServed();

            assertThat(curl.exitCode()).as(curl.toString()).isIn(TRUNCATED);
            assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                    .matches("upstream 127\\.0\\.0\\.1:\\d+ broke off the response to GET http://127\\.0\\.0\\.1:\\d+"
                            + "/partial after \\d+ bytes of its body \\(.*\\)");
        }
    }

    @Test
    void aBodyWithoutLengthThatTheOriginEndsCleanlyArrivesWhole() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin("all of it", false)) {
            Curl.Result curl = Curl.run("-x", proxyUrl(), origin.url("/whole"));
            origin.awaitServed();

            assertThat(curl.exitCode()).as(curl.toString()).isZero();
            assertThat(curl.stdout()).isEqualTo("all of it");
            assertThat(errors).isEmpty();
        }
    }

    @Test
    void aRefusedRequestIsRecordedWithItsStatusAndReason() throws Exception {
        Curl.Result curl = Curl.run("-o", "/dev/null", "-w", "%{http_code}", proxyUrl() + "/index.html");

        assertThat(curl.stdout()).as(curl.toString()).isEqualTo("400");
        assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                .startsWith("GET /index.html refused with 400 Bad Request: this is a proxy: send the full URL")
                .doesNotContain("\n");
    }

    private String proxyUrl() {
        return "http://127.0.0.1:" + proxy.port();
    }
}
