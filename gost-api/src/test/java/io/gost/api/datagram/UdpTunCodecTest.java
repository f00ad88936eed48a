package io.gost.api.datagram;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GOST's UDP-over-TCP frames ({@code RSV=len | FRAG=0xFF | ATYP ADDR PORT | DATA}), checked against byte sequences
 * written from {@code gosocks5}'s {@code UDPDatagram} and {@code x/internal/util/socks/conn.go}.
 */
class UdpTunCodecTest {

    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private static String hex(ByteBuf... parts) {
        StringBuilder text = new StringBuilder();
        for (ByteBuf part : parts) {
            text.append(ByteBufUtil.hexDump(part));
            part.release();
        }
        return text.toString();
    }

    private String outbound() {
        StringBuilder text = new StringBuilder();
        for (Object message; (message = channel.readOutbound()) != null; ) {
            text.append(hex((ByteBuf) message));
        }
        return text.toString();
    }

    @Test
    void aClientWithOneTargetFramesEachDatagramForIt() {
        channel = new EmbeddedChannel(UdpTunCodec.client(new InetSocketAddress("1.2.3.4", 53)));
        channel.writeOutbound(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII));

        // length 2, FRAG ff, IPv4 1.2.3.4 port 53, "hi"
        assertThat(outbound()).isEqualTo("0002" + "ff" + "01" + "01020304" + "0035" + "6869");
    }

    @Test
    void anAssociationFramesEachDatagramForItsRecipientAndNamesGoAsDomains() {
        channel = new EmbeddedChannel(UdpTunCodec.client(null));
        channel.writeOutbound(new DatagramPacket(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII),
                InetSocketAddress.createUnresolved("example.com", 443)));

        assertThat(outbound()).isEqualTo("0001" + "ff" + "03" + "0b" + ByteBufUtil.hexDump(
                "example.com".getBytes(StandardCharsets.US_ASCII)) + "01bb" + "78");
    }

    @Test
    void aServerFramesEachDatagramWithItsSourceAndIpv6IsSixteenBytes() {
        channel = new EmbeddedChannel(UdpTunCodec.server());
        channel.writeOutbound(new DatagramPacket(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII),
                new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("::1", 8080)));

        assertThat(outbound()).isEqualTo("0002" + "ff" + "04" + "00000000000000000000000000000001" + "1f90" + "6f6b");
    }

    @Test
    void aServerReadsTheDestinationTheClientNamedAsTheRecipient() {
        channel = new EmbeddedChannel(UdpTunCodec.server());
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0003ff01c0a800010035616263")));

        DatagramPacket packet = channel.readInbound();
        assertThat(packet.recipient()).isEqualTo(new InetSocketAddress("192.168.0.1", 53));
        assertThat(packet.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        packet.release();
    }

    @Test
    void aClientReadsTheSourceAsTheSenderAndANameStaysUnresolved() {
        channel = new EmbeddedChannel(UdpTunCodec.client(null));
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "0001ff0309" + ByteBufUtil.hexDump("localhost".getBytes(StandardCharsets.US_ASCII)) + "0050" + "7a")));

        DatagramPacket packet = channel.readInbound();
        assertThat(packet.sender().isUnresolved()).isTrue();
        assertThat(packet.sender().getHostString()).isEqualTo("localhost");
        assertThat(packet.sender().getPort()).isEqualTo(80);
        packet.release();
    }

    @Test
    void framesSplitAnywhereAndGluedTogetherAreReadWhole() {
        channel = new EmbeddedChannel(UdpTunCodec.server());
        byte[] two = ByteBufUtil.decodeHexDump("0001ff017f00000100076100" + "02ff017f000001000862" + "63");
        for (byte single : two) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {single}));
        }

        DatagramPacket first = channel.readInbound();
        DatagramPacket second = channel.readInbound();
        assertThat(first.content().toString(StandardCharsets.US_ASCII)).isEqualTo("a");
        assertThat(second.content().toString(StandardCharsets.US_ASCII)).isEqualTo("bc");
        assertThat(second.recipient().getPort()).isEqualTo(8);
        first.release();
        second.release();
    }

    @Test
    void aFrameOfLengthZeroIsAnEmptyDatagram() {
        channel = new EmbeddedChannel(UdpTunCodec.server());
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0000ff017f0000010035")));

        DatagramPacket packet = channel.readInbound();
        assertThat(packet.content().readableBytes()).isZero();
        packet.release();
    }

    @Test
    void anEmptyDatagramIsNotSentBecauseGostWouldReadTheNextFramesAsItsData() {
        channel = new EmbeddedChannel(UdpTunCodec.client(new InetSocketAddress("1.2.3.4", 53)));
        channel.writeOutbound(Unpooled.EMPTY_BUFFER);

        assertThat(outbound()).isEmpty();
    }

    @Test
    void theLargestUdpDatagramFitsInOneFrame() {
        channel = new EmbeddedChannel(UdpTunCodec.client(new InetSocketAddress("1.2.3.4", 53)));
        byte[] payload = new byte[65_507];
        channel.writeOutbound(Unpooled.wrappedBuffer(payload));
        String frame = outbound();

        assertThat(frame.substring(0, 4)).isEqualTo("ffe3");
        // RSV, FRAG, ATYP, IPv4, port, payload
        assertThat(frame.length() / 2).isEqualTo(2 + 1 + 1 + 4 + 2 + 65_507);
    }

    @Test
    void anUnknownAddressTypeClosesTheStream() {
        channel = new EmbeddedChannel(UdpTunCodec.server());
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0001ff097f0000010035" + "61")));

        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
    }
}
