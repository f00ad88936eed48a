package io.gost.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, security defaults seen in a real run: an open proxy on a reachable address is warned about at
 * start-up, and passwords never reach the log, not even with {@code -D}.
 */
class SecurityDefaultsIT {

    private static final String WITHOUT_AUTH = "without authentication";

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void aProxyWithoutCredentialsOnAWildcardAddressIsWarnedAboutNamingServiceAndAddress() {
        // Inside a namespace of its own, 0.0.0.0 is reachable from nowhere: the test opens no proxy to the network.
        TestNamespace namespace = resources.add(TestNamespace.create("gostsec"));
        GostProcess gost = resources.gost("-L", "http://0.0.0.0:8080?netns=" + namespace.name());

        String log = awaitLog(gost, "listening on");

        assertThat(log).as(gost::describe).containsPattern("WARN .*service service-0 \\(http handler\\) accepts"
                + " clients on 0.0.0.0:8080 in network namespace " + namespace.name() + " " + WITHOUT_AUTH);
    }

    @Test
    void aProxyWithCredentialsOrOnLoopbackIsNotWarnedAbout() {
        TestNamespace namespace = resources.add(TestNamespace.create("gostsec"));
        int loopbackPort = resources.freePort();
        GostProcess gost = resources.gost("-L", "http://user:pass@0.0.0.0:8080?netns=" + namespace.name(),
                "-L", "http://127.0.0.1:" + loopbackPort).awaitPort(loopbackPort);

        String log = awaitLog(gost, "service-1 listening on");

        assertThat(log).as(gost::describe).doesNotContain(WITHOUT_AUTH);
    }

    @Test
    void passwordsNeverAppearInTheDebugLog() {
        OriginServer origin = resources.add(new OriginServer());
        int proxyPort = resources.freePort();
        int forwardPort = resources.freePort();
        GostProcess proxy = resources.gost("-D", "-L", "http://user:secret@127.0.0.1:" + proxyPort)
                .awaitPort(proxyPort);
        GostProcess forward = resources.gost("-D", "-L", "tcp://127.0.0.1:" + forwardPort + "/127.0.0.1:" + origin.port(),
                "-F", "http://user:secret@127.0.0.1:" + proxyPort).awaitPort(forwardPort);

        assertThat(Curl.run(resources.dir(), "-x", "http://user:secret@127.0.0.1:" + proxyPort, origin.url("/hello"))
                .status()).isEqualTo(200);
        assertThat(Curl.run(resources.dir(), "-x", "http://user:wrong@127.0.0.1:" + proxyPort, origin.url("/hello"))
                .status()).isEqualTo(407);
        assertThat(Curl.run(resources.dir(), "-p", "-x", "http://user:secret@127.0.0.1:" + proxyPort,
                origin.url("/hello")).status()).isEqualTo(200);
        assertThat(Curl.run(resources.dir(), "http://127.0.0.1:" + forwardPort + "/hello").status()).isEqualTo(200);
        proxy.close();
        forward.close();

        assertThat(proxy.output()).as("-D took effect").contains("DEBUG");
        for (GostProcess gost : new GostProcess[] {proxy, forward}) {
            assertThat(gost.output()).as(gost::describe)
                    .doesNotContain("secret")
                    // user:secret in Basic, as sent in Proxy-Authorization
                    .doesNotContain("dXNlcjpzZWNyZXQ");
        }
    }

    @Test
    void aBypassKeepsHttpAndSocks5ClientsFromTheProxyHostItself() throws Exception {
        OriginServer origin = resources.add(new OriginServer());
        int httpPort = resources.freePort();
        int socksPort = resources.freePort();
        String notLocal = "?bypass=127.0.0.0/8,::1,localhost";
        resources.gost("-L", "http://127.0.0.1:" + httpPort + notLocal, "-L", "socks5://127.0.0.1:" + socksPort + notLocal)
                .awaitPort(httpPort).awaitPort(socksPort);

        assertThat(Curl.run(resources.dir(), "-x", "http://127.0.0.1:" + httpPort, origin.url("/hello")).status())
                .isEqualTo(403);
        assertThat(Curl.run(resources.dir(), "-p", "-x", "http://127.0.0.1:" + httpPort, origin.url("/hello"))
                .connectCode()).isEqualTo(403);
        assertThat(socks5ConnectReply(socksPort, origin.port())).as("SOCKS5 reply code").isEqualTo(0x02);
    }

    /** A SOCKS5 CONNECT to 127.0.0.1:{@code targetPort} without authentication; returns the reply code. */
    private static int socks5ConnectReply(int proxyPort, int targetPort) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            out.write(new byte[] {0x05, 0x01, 0x00});
            assertThat(in.readNBytes(2)).containsExactly(0x05, 0x00);
            out.write(new byte[] {0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte) (targetPort >> 8), (byte) targetPort});
            byte[] reply = in.readNBytes(2);
            assertThat(reply).hasSize(2);
            return reply[1] & 0xff;
        }
    }

    /** The log once it contains {@code text}; gost listening inside a namespace cannot be probed from here. */
    private static String awaitLog(GostProcess gost, String text) {
        Waits.until("gost to log '" + text + "'", ManagedProcess.START_TIMEOUT, () -> gost.output().contains(text),
                () -> !gost.isAlive() && !gost.output().contains(text), gost::describe);
        return gost.output();
    }
}
