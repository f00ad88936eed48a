package io.gost.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void anEmptyHostListensOnEveryInterface() {
        assertThat(Addresses.listen(":8080")).isEqualTo(new InetSocketAddress(8080));
    }

    @Test
    void anEmptyTargetHostMeansThisHost() {
        InetSocketAddress target = Addresses.target(":8000");
        assertThat(target.isUnresolved()).isTrue();
        assertThat(target.getHostString()).isEqualTo("127.0.0.1");
        assertThat(target.getPort()).isEqualTo(8000);
    }

    @Test
    void bracketedIpv6HostsAreUnwrapped() {
        assertThat(Addresses.target("[::1]:80").getHostString()).isEqualTo("::1");
    }

    @Test
    void targetsStayUnresolvedForTheResolverOrTheLastHop() {
        assertThat(Addresses.target("example.invalid:443").isUnresolved()).isTrue();
    }

    @Test
    void malformedAddressesSayWhatIsWrong() {
        assertThatThrownBy(() -> Addresses.listen("8080")).hasMessage("address '8080' has no port; write host:port or :port");
        assertThatThrownBy(() -> Addresses.listen(":http")).hasMessage("address ':http': port 'http' is not a number");
        assertThatThrownBy(() -> Addresses.listen(":70000")).hasMessage("address ':70000': port 70000 is out of range 0-65535");
        assertThatThrownBy(() -> Addresses.target("::1:80")).hasMessageContaining("write IPv6 hosts in brackets");
        assertThatThrownBy(() -> Addresses.target("host:0")).hasMessageContaining("needs a port other than 0");
    }
}
