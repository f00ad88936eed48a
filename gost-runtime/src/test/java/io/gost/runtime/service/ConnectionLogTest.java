package io.gost.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** The connection log line: its fields, and addresses written as GOST and URLs write them. */
class ConnectionLogTest {

    /** ::1 as the kernel reports a peer: from its bytes, which Java writes at full length. */
    private static InetSocketAddress ipv6Loopback(int port) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), port);
    }

    @Test
    void anIpv6ClientIsWrittenInBracketsAndShort() throws UnknownHostException {
        assertThat(ConnectionLog.hostAndPort(ipv6Loopback(40000))).isEqualTo("[::1]:40000");
        assertThat(ConnectionLog.hostAndPort(new InetSocketAddress("2001:db8:0:0:0:0:0:7", 443))).isEqualTo("[2001:db8::7]:443");
    }

    @Test
    void anIpv6TargetNotYetResolvedIsWrittenInBrackets() {
        assertThat(ConnectionLog.hostAndPort(InetSocketAddress.createUnresolved("::1", 80))).isEqualTo("[::1]:80");
    }

    @Test
    void ipv4AddressesAndNamesAreWrittenAsTheyAre() throws UnknownHostException {
        assertThat(ConnectionLog.hostAndPort(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 8080)))
                .isEqualTo("127.0.0.1:8080");
        assertThat(ConnectionLog.hostAndPort(InetSocketAddress.createUnresolved("example.com", 443))).isEqualTo("example.com:443");
    }

    @Test
    void textLineBracketsAnIpv6Client() throws UnknownHostException {
        String line = new ConnectionLog(false).message("web", "1-web", ipv6Loopback(40000), "[::1]:9000", "target-0",
                10, 20, 5, null);

        assertThat(line).isEqualTo("service=web sid=1-web client=[::1]:40000 dst=[::1]:9000 node=target-0"
                + " inputBytes=10 outputBytes=20 duration=5ms");
    }

    @Test
    void textLineWithoutTargetOrNodeButWithAnError() throws UnknownHostException {
        String line = new ConnectionLog(false).message("web", "2-web", ipv6Loopback(40001), null, null, 0, 0, 7,
                "bad \"request\"");

        assertThat(line).isEqualTo("service=web sid=2-web client=[::1]:40001 dst=- inputBytes=0 outputBytes=0 duration=7ms"
                + " error=\"bad \"request\"\"");
    }

    @Test
    void jsonFieldsBracketAnIpv6ClientAndEscapeValues() throws UnknownHostException {
        String fields = new ConnectionLog(true).message("web", "1-web", ipv6Loopback(40000), "[::1]:9000", null,
                10, 20, 5, "bad \"request\"\n");

        assertThat(fields).isEqualTo("\"msg\":\"connection closed\",\"kind\":\"service\",\"service\":\"web\",\"sid\":\"1-web\","
                + "\"client\":\"[::1]:40000\",\"dst\":\"[::1]:9000\",\"inputBytes\":10,\"outputBytes\":20,\"duration\":\"5ms\","
                + "\"error\":\"bad \\\"request\\\"\\n\"");
    }
}
