package io.gost.runtime.bypass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GOST's bypass matchers: which targets a service's clients may not reach. */
class BypassTest {

    private static Bypass blacklist(String... matchers) {
        return Bypass.of("test", false, List.of(matchers));
    }

    @Test
    void anIpMatcherForbidsThatAddressOnEveryPortAndInEveryNotation() {
        Bypass bypass = blacklist("127.0.0.1", "::1");

        assertThat(bypass.forbids("127.0.0.1", 22)).isTrue();
        assertThat(bypass.forbids("::ffff:127.0.0.1", 22)).as("IPv4-mapped IPv6").isTrue();
        assertThat(bypass.forbids("0:0:0:0:0:0:0:1", 80)).isTrue();
        assertThat(bypass.forbids("[::1]", 80)).isTrue();
        assertThat(bypass.forbids("127.0.0.2", 22)).isFalse();
    }

    @Test
    void aCidrForbidsEveryAddressInside() {
        Bypass bypass = blacklist("127.0.0.0/8", "fd00::/8", "198.18.0.0/15");

        assertThat(bypass.forbids("127.1.2.3", 1)).isTrue();
        assertThat(bypass.forbids("fdab::1", 1)).isTrue();
        assertThat(bypass.forbids("198.19.255.255", 1)).isTrue();
        assertThat(bypass.forbids("198.20.0.0", 1)).isFalse();
        assertThat(bypass.forbids("128.0.0.1", 1)).isFalse();
        assertThat(bypass.forbids("fe80::1", 1)).isFalse();
    }

    @Test
    void anIpRangeForbidsItsEndsAndWhatIsBetween() {
        Bypass bypass = blacklist("192.0.2.10-192.0.2.20");

        assertThat(bypass.forbids("192.0.2.10", 1)).isTrue();
        assertThat(bypass.forbids("192.0.2.15", 1)).isTrue();
        assertThat(bypass.forbids("192.0.2.20", 1)).isTrue();
        assertThat(bypass.forbids("192.0.2.21", 1)).isFalse();
        assertThat(bypass.forbids("192.0.2.9", 1)).isFalse();
    }

    @Test
    void aDomainForbidsThatNameOnlyAndADotDomainItsSubdomainsToo() {
        Bypass bypass = blacklist("example.com", ".example.org");

        assertThat(bypass.forbids("example.com", 443)).isTrue();
        assertThat(bypass.forbids("EXAMPLE.com.", 443)).as("case and trailing dot").isTrue();
        assertThat(bypass.forbids("www.example.com", 443)).isFalse();
        assertThat(bypass.forbids("example.org", 443)).isTrue();
        assertThat(bypass.forbids("a.b.example.org", 443)).isTrue();
        assertThat(bypass.forbids("badexample.org", 443)).isFalse();
    }

    @Test
    void aWildcardForbidsMatchingNames() {
        Bypass bypass = blacklist("*.example.com", "host-??.lan");

        assertThat(bypass.forbids("www.example.com", 80)).isTrue();
        assertThat(bypass.forbids("a.b.example.com", 80)).isTrue();
        assertThat(bypass.forbids("example.com", 80)).as("*. needs a label before the dot").isFalse();
        assertThat(bypass.forbids("host-01.lan", 80)).isTrue();
        assertThat(bypass.forbids("host-1.lan", 80)).isFalse();
    }

    @Test
    void aPortOrPortRangeNarrowsAMatcherToThosePorts() {
        Bypass bypass = blacklist("example.com:443", "10.0.0.1:1000-2000", "[::1]:22", "*.lan:8080");

        assertThat(bypass.forbids("example.com", 443)).isTrue();
        assertThat(bypass.forbids("example.com", 80)).isFalse();
        assertThat(bypass.forbids("10.0.0.1", 1500)).isTrue();
        assertThat(bypass.forbids("10.0.0.1", 2001)).isFalse();
        assertThat(bypass.forbids("::1", 22)).isTrue();
        assertThat(bypass.forbids("::1", 23)).isFalse();
        assertThat(bypass.forbids("nas.lan", 8080)).isTrue();
        assertThat(bypass.forbids("nas.lan", 80)).isFalse();
    }

    @Test
    void aWhitelistForbidsEverythingItDoesNotMatch() {
        Bypass bypass = Bypass.of("only-web", true, List.of(".example.com:443"));

        assertThat(bypass.isWhitelist()).isTrue();
        assertThat(bypass.forbids("www.example.com", 443)).isFalse();
        assertThat(bypass.forbids("www.example.com", 22)).isTrue();
        assertThat(bypass.forbids("127.0.0.1", 443)).isTrue();
    }

    @Test
    void anEmptyBypassForbidsNothingAndAnEmptyWhitelistEverything() {
        assertThat(blacklist().forbids("127.0.0.1", 22)).isFalse();
        assertThat(Bypass.of("none", true, List.of()).forbids("127.0.0.1", 22)).isTrue();
    }

    @Test
    void aResolvedAddressIsMatchedByItsIpAndAnUnresolvedOneByItsName() throws Exception {
        Bypass bypass = blacklist("127.0.0.0/8", "localhost");
        InetSocketAddress resolved = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 22);

        assertThat(bypass.forbids(resolved)).isTrue();
        assertThat(bypass.forbids(InetSocketAddress.createUnresolved("LOCALHOST", 22))).isTrue();
        assertThat(bypass.forbids(InetSocketAddress.createUnresolved("example.com", 22))).isFalse();
    }

    @Test
    void malformedMatchersAreRejectedNamingThem() {
        assertThatThrownBy(() -> blacklist("10.0.0.0/33")).hasMessageContaining("'10.0.0.0/33' is not a CIDR");
        assertThatThrownBy(() -> blacklist("example.com:http")).hasMessageContaining("'http' is not a port");
        assertThatThrownBy(() -> blacklist("exa mple.com")).hasMessageContaining("'exa mple.com' is neither");
        assertThatThrownBy(() -> blacklist("10.0.0.9-10.0.0.1")).hasMessageContaining("is not an IP range");
        assertThatThrownBy(() -> blacklist("[::1:22")).hasMessageContaining("without closing it");
        assertThatThrownBy(() -> blacklist(" ")).hasMessageContaining("an empty matcher");
    }
}
