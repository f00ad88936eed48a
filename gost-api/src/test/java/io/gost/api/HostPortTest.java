package io.gost.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void ipv6IsBracketedAndShort() throws Exception {
        assertThat(HostPort.format(new InetSocketAddress(InetAddress.getByName("::1"), 8080))).isEqualTo("[::1]:8080");
        assertThat(HostPort.format(InetSocketAddress.createUnresolved("fd00::1", 53))).isEqualTo("[fd00::1]:53");
    }

    @Test
    void ipv4AndNamesAreAsGivenAndNamesAreNotLookedUp() throws Exception {
        assertThat(HostPort.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80)))
                .isEqualTo("127.0.0.1:80");
        assertThat(HostPort.format(InetSocketAddress.createUnresolved("example.com", 443)))
                .isEqualTo("example.com:443");
    }

    @Test
    void aBracketedHostIsNotBracketedTwice() {
        assertThat(HostPort.host("[::1]")).isEqualTo("[::1]");
        assertThat(HostPort.host("::1")).isEqualTo("[::1]");
    }
}
