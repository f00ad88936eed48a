package com.example.gost.socks4.protocol;

import static io.gost.testkit.Bytes.ascii;
import static io.gost.testkit.Bytes.asciiAndRelease;
import static io.gost.testkit.Bytes.concat;
import static io.gost.testkit.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Socks4RequestDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new Socks4RequestDecoder());

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void decodesAConnectToAnIpv4AddressWithItsUserId() {
        channel.writeInbound(concat(hex("04 01 0050 7f000001"), ascii("alice"), hex("00")));

        Socks4Request request = channel.readInbound();
        assertThat(request).isEqualTo(new Socks4Request(Socks4.CONNECT, new InetSocketAddress("127.0.0.1", 80), "alice"));
        assertThat(request.socks4a()).isFalse();
    }

    @Test
    void decodesSocks4aIntoAnUnresolvedHostName() {
        channel.writeInbound(concat(hex("04 01 01bb 00000001 00"), ascii("example.com"), hex("00")));

        Socks4Request request = channel.readInbound();
        assertThat(request.socks4a()).isTrue();
        assertThat(request.target()).isEqualTo(InetSocketAddress.createUnresolved("example.com", 443));
        assertThat(request.userId()).isEmpty();
    }

    @Test
    void assemblesARequestSplitAcrossReads() {
        ByteBuf whole = concat(hex("04 01 01bb 00000001"), ascii("bob"), hex("00"), ascii("example.com"), hex("00"));
        while (whole.isReadable()) {
            assertThat((Object) channel.readInbound()).isNull();
            channel.writeInbound(whole.readRetainedSlice(Math.min(3, whole.readableBytes())));
        }
        whole.release();

        Socks4Request request = channel.readInbound();
        assertThat(request.target()).isEqualTo(InetSocketAddress.createUnresolved("example.com", 443));
        assertThat(request.userId()).isEqualTo("bob");
    }

    @Test
    void passesOnBytesBehindTheRequestAndLeavesThePipeline() {
        channel.writeInbound(concat(hex("04 01 0050 7f000001 00"), ascii("GET / HTTP/1.0\r\n")));

        assertThat((Object) channel.readInbound()).isInstanceOf(Socks4Request.class);
        assertThat(asciiAndRelease(channel.readInbound())).isEqualTo("GET / HTTP/1.0\r\n");
        assertThat(channel.pipeline().get(Socks4RequestDecoder.class)).isNull();
    }

    @Test
    void socks5ClientIsToldApartAtTheFirstByte() {
        assertThatThrownBy(() -> channel.writeInbound(hex("05 01 00")))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("not a SOCKS4 request: the first byte is 0x05, SOCKS4 sends 0x04 (this is a SOCKS5 client)");
    }

    @Test
    void userIdWithoutEndIsRefusedAfter255Bytes() {
        ByteBuf request = concat(hex("04 01 0050 7f000001"), ascii("u".repeat(256)));

        assertThatThrownBy(() -> channel.writeInbound(request))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("SOCKS4 user id longer than 255 bytes");
    }

    @Test
    void userIdOf255BytesIsAccepted() {
        channel.writeInbound(concat(hex("04 01 0050 7f000001"), ascii("u".repeat(255)), hex("00")));

        Socks4Request request = channel.readInbound();
        assertThat(request.userId()).hasSize(255);
    }

    @Test
    void socks4aWithAnEmptyHostNameIsRefused() {
        assertThatThrownBy(() -> channel.writeInbound(hex("04 01 0050 00000001 00 00")))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("SOCKS4a request without a host name");
    }
}
