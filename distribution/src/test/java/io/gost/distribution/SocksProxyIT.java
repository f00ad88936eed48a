package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bundled SOCKS5 plugin, and GOST's default handler {@code auto}, used by curl. */
class SocksProxyIT {

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
    void socks5ServiceCarriesARequestToTheOrigin() {
        resources.gost("-L", "socks5://127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "--socks5-hostname", "127.0.0.1:" + proxyPort,
                origin.url("/hello"));

        assertThat(result.status()).as(result::toString).isEqualTo(200);
        assertThat(result.body()).isEqualTo(OriginServer.HELLO);
    }

    @Test
    void serviceWithoutSchemeSpeaksBothSocks5AndHttp() {
        resources.gost("-L", "127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result socks = Curl.run(resources.dir(), "--socks5-hostname", "127.0.0.1:" + proxyPort,
                origin.url("/hello"));
        Curl.Result http = Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + proxyPort, origin.url("/hello"));

        assertThat(socks.status()).as(socks::toString).isEqualTo(200);
        assertThat(http.status()).as(http::toString).isEqualTo(200);
    }
}
