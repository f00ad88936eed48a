package com.example.gost.socks4.protocol;

import static io.gost.testkit.Bytes.hexAndRelease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class Socks4Test {

    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);

    @Test
    void connectToAnIpv4AddressIsPlainSocks4() {
        InetSocketAddress target = new InetSocketAddress("198.18.0.1", 8080);

        assertThat(hexAndRelease(Socks4.encodeConnect(alloc, target, "")))
                .isEqualTo("04" + "01" + "1f90" + "c6120001" + "00");
    }

    @Test
    void anUnresolvedIpv4LiteralIsStillPlainSocks4ForServersWithoutSocks4a() {
        // gost hands targets over unresolved; Dante, for one, refuses SOCKS4a.
        InetSocketAddress target = InetSocketAddress.createUnresolved("198.18.0.1", 8080);

        assertThat(hexAndRelease(Socks4.encodeConnect(alloc, target, "")))
                .isEqualTo("04" + "01" + "1f90" + "c6120001" + "00");
    }

    @Test
    void connectToAHostNameIsSocks4aWithTheNameAfterTheUserId() {
        InetSocketAddress target = InetSocketAddress.createUnresolved("example.com", 443);

        assertThat(hexAndRelease(Socks4.encodeConnect(alloc, target, "alice")))
                .isEqualTo("04" + "01" + "01bb" + "00000001" + "616c696365" + "00" + "6578616d706c652e636f6d" + "00");
    }

    @Test
    void ipv6TargetCannotBeSaidInSocks4() {
        InetSocketAddress target = new InetSocketAddress("::1", 80);

        assertThatThrownBy(() -> Socks4.encodeConnect(alloc, target, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SOCKS4 carries IPv4 addresses and host names only, not ::1");
    }

    @Test
    void userIdLongerThan255BytesIsRefused() {
        InetSocketAddress target = new InetSocketAddress("198.18.0.1", 80);

        assertThatThrownBy(() -> Socks4.encodeConnect(alloc, target, "u".repeat(256)))
                .hasMessage("SOCKS4 user id is longer than 255 bytes");
    }

    @Test
    void replyIsEightBytesWithVersionZero() {
        assertThat(hexAndRelease(Socks4.encodeReply(alloc, Socks4.REJECTED))).isEqualTo("005b000000000000");
    }

    @Test
    void replyCodesAreDescribedAsPeopleReadThem() {
        assertThat(Socks4.describeReply(0x5B)).isEqualTo("0x5B (rejected or failed)");
        assertThat(Socks4.describeReply(0x5D)).isEqualTo("0x5D (rejected: user id not accepted)");
    }
}
