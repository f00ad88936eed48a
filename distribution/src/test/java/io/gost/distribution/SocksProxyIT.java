package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    /**
     * gost bundles no socks4 handler (it is the example third-party plugin): a SOCKS4 client of the auto
     * handler is told "request rejected" in its own protocol, and the log names the missing plugin.
     */
    @Test
    void autoServiceRejectsASocks4ClientWhenNoPluginProvidesSocks4() {
        GostProcess gost = resources.gost("-L", "auto://127.0.0.1:" + proxyPort).awaitPort(proxyPort);

        Curl.Result result = Curl.run(resources.dir(), "--socks4", "127.0.0.1:" + proxyPort, origin.url("/hello"));
        gost.close();

        assertThat(result.exitCode()).as(result::toString).isEqualTo(97); // CURLE_PROXY: the proxy refused
        assertThat(result.stderr()).as(result::toString).contains("request rejected");
        assertThat(gost.stderr()).as(gost::describe).contains("the client speaks socks4 (first byte 0x04), but no plugin"
                + " provides the 'socks4' handler that the auto handler hands it to; answered 0x5B (request rejected)");
    }

    /** Empty datagrams (keep-alives, probes) are datagrams: relayed both ways, on the epoll transport bin/gost uses. */
    @Test
    void socks5UdpAssociationRelaysEmptyDatagramsBothWays() throws IOException {
        resources.gost("-L", "socks5://127.0.0.1:" + proxyPort + "?udp=true").awaitPort(proxyPort);
        try (DatagramSocket target = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Socks5UdpClient client = new Socks5UdpClient(proxyPort)) {
            target.setSoTimeout(10_000);
            InetSocketAddress targetAddress = (InetSocketAddress) target.getLocalSocketAddress();

            client.send(targetAddress, new byte[0]);
            DatagramPacket atTarget = new DatagramPacket(new byte[100], 100);
            target.receive(atTarget);
            assertThat(atTarget.getLength()).as("payload that reached the target").isZero();

            target.send(new DatagramPacket(new byte[0], 0, atTarget.getSocketAddress()));
            assertThat(client.receive()).as("the header naming the target, and no payload")
                    .isEqualTo(Socks5UdpClient.header(targetAddress));
        }
    }
}
