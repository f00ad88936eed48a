package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bin/gost's -api and -metrics as an operator starts them: GOST's flags, the Web API with credentials, the
 * metrics with the JVM's beside GOST's, and the health endpoint.
 */
class OperationsIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void apiAndMetricsFromTheCommandLine() throws Exception {
        EchoServer echo = resources.add(new EchoServer());
        int port = resources.freePort();
        int apiPort = resources.freePort();
        int metricsPort = resources.freePort();
        GostProcess gost = resources.gost("-L", "tcp://127.0.0.1:" + port + "/127.0.0.1:" + echo.port(),
                "-api", "admin:pw@:" + apiPort + "?pathPrefix=/api&accesslog=true",
                "-metrics", ":" + metricsPort).awaitPort(metricsPort);
        gost.awaitPort(apiPort);

        Curl.Result config = Curl.run(resources.dir(), "-u", "admin:pw", "http://127.0.0.1:" + apiPort + "/api/config/services");
        Curl.Result refused = Curl.run(resources.dir(), "http://127.0.0.1:" + apiPort + "/api/config/services");
        Curl.Result metrics = Curl.run(resources.dir(), "http://127.0.0.1:" + metricsPort + "/metrics");
        Curl.Result health = Curl.run(resources.dir(), "http://127.0.0.1:" + apiPort + "/health");

        assertThat(config.body()).as(gost::describe).contains("\"count\": 1").contains("\"totalConns\": 0");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(metrics.body()).as(gost::describe).contains("gost_services{host=")
                .contains("jvm_memory_used_bytes").contains("process_cpu_seconds_total");
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}\n");
        Waits.until("the access log line", Duration.ofSeconds(5), Duration.ofMillis(50),
                () -> gost.output().contains("kind=api method=GET uri=/api/config/services code=200"),
                () -> !gost.isAlive(), gost::describe);
    }
}
