package io.gost.runtime.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.api.InvalidMetadataException;
import io.gost.api.Metadata;
import io.gost.api.NetnsRef;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeTest {

    @Test
    void hostAndPortStayUnresolved() {
        InetSocketAddress address = Node.parseAddress("example.com:8080");

        assertThat(address.isUnresolved()).isTrue();
        assertThat(address.getHostString()).isEqualTo("example.com");
        assertThat(address.getPort()).isEqualTo(8080);
    }

    @Test
    void anEmptyHostMeansLocalhost() {
        assertThat(Node.formatAddress(Node.parseAddress(":8080"))).isEqualTo("localhost:8080");
    }

    @Test
    void ipv6LiteralsAreWrittenInBrackets() {
        InetSocketAddress address = Node.parseAddress("[::1]:1080");

        assertThat(address.getHostString()).isEqualTo("::1");
        assertThat(Node.formatAddress(address)).isEqualTo("[::1]:1080");
    }

    @Test
    void anAddressWithoutAPortIsRejectedWithTheExpectedForm() {
        assertThatThrownBy(() -> Node.parseAddress("example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("address 'example.com' is not host:port (it has no port); write it as 127.0.0.1:8080,"
                        + " example.com:8080, [::1]:8080 or :8080");
    }

    @Test
    void badPortsAreRejected() {
        assertThatThrownBy(() -> Node.parseAddress("host:http")).hasMessageContaining("the port 'http' is not a number");
        assertThatThrownBy(() -> Node.parseAddress("host:0")).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> Node.parseAddress("::1:80")).hasMessageContaining("in brackets");
    }

    @Test
    void metadataSetsWeightBackupAndFailOverrides() {
        Node node = Node.target("target-0", "127.0.0.1:80",
                Metadata.of("weight", "5", "backup", "true", "maxFails", "3", "failTimeout", "30s"));

        assertThat(node.weight()).isEqualTo(5);
        assertThat(node.backup()).isTrue();
        assertThat(node.maxFails()).hasValue(3);
        assertThat(node.failTimeout()).hasValue(Duration.ofSeconds(30));
        assertThat(node.dialer()).isNull();
        assertThat(node.connector()).isNull();
    }

    @Test
    void withoutMetadataANodeHasWeightOneAndNoOverrides() {
        Node node = Node.target("target-0", "127.0.0.1:80", Metadata.empty());

        assertThat(node.weight()).isEqualTo(1);
        assertThat(node.backup()).isFalse();
        assertThat(node.maxFails()).isEmpty();
        assertThat(node.failTimeout()).isEmpty();
    }

    @Test
    void aBadMetadataValueFailsWhenTheNodeIsBuilt() {
        assertThatThrownBy(() -> Node.target("target-0", "127.0.0.1:80", Metadata.of("weight", "heavy")))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("weight");
    }

    @Test
    void nodeMetadataNetnsWinsOverTheNodeFieldAndTheHop() {
        assertThat(Node.resolveNetns(Metadata.of("netns", "ns-node"), "ns-field", Metadata.of("netns", "ns-hop")))
                .isEqualTo(NetnsRef.parse("ns-node"));
        assertThat(Node.resolveNetns(Metadata.empty(), "ns-field", Metadata.of("netns", "ns-hop")))
                .isEqualTo(NetnsRef.parse("ns-field"));
        assertThat(Node.resolveNetns(Metadata.empty(), null, Metadata.of("netns", "/run/netns/ns-hop")))
                .isEqualTo(NetnsRef.parse("/run/netns/ns-hop"));
        assertThat(Node.resolveNetns(Metadata.empty(), " ", Metadata.empty())).isNull();
    }
}
