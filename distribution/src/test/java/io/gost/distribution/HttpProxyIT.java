package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code gost -L http://...} used by curl as an HTTP proxy, to a local origin. */
class HttpProxyIT {

    @RegisterExtension
    final TestResources resources = new TestResources();

    private OriginServer origin;
    private int proxyPort;

    @BeforeEach
    void startOrigin() {
        origin = resources.add(new OriginServer());
        proxyPort = resources.freePort();
    }

    @Test
    void getIsForwardedToTheOrigin() {
        resources.gost("-L", "http://127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "-x", proxy(), origin.url("/hello"));

        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    @Test
    void postBodyReachesTheOriginIntact() {
        byte[] upload = Payloads.random(1024 * 1024, 11);
        Path file = resources.write("upload.bin", upload);
        resources.gost("-L", "http://127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "-x", proxy(), "--data-binary", "@" + file,
                "-H", "Content-Type: application/octet-stream", origin.url("/sha256"));

        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.sha256(upload) + " " + upload.length);
    }

    @Test
    void connectOpensATunnelToTheOrigin() {
        resources.gost("-L", "http://127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "-p", "-x", proxy(), origin.url("/hello"));

        assertThat(result.connectCode()).as(result::toString).isEqualTo(200);
        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    @Test
    void requestWithoutCredentialsIsAnsweredWith407() {
        resources.gost("-L", "http://u:p@127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "-x", proxy(), origin.url("/hello"));

        assertThat(result.status()).as(result::toString).isEqualTo(407);
    }

    @Test
    void requestWithWrongPasswordIsAnsweredWith407() {
        resources.gost("-L", "http://u:p@127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "-x", proxy(), "--proxy-user", "u:wrong",
                origin.url("/hello"));

        assertThat(result.status()).as(result::toString).isEqualTo(407);
    }

    @Test
    void requestWithCredentialsIsForwarded() {
        resources.gost("-L", "http://u:p@127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "-x", proxy(), "--proxy-user", "u:p",
                origin.url("/hello"));

        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    private String proxy() {
        return "http://127.0.0.1:" + proxyPort;
    }
}
