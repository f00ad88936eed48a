package io.gost.plugin.mux.smux;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.plugin.mux.LeakDetection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The frame decoder cuts frames out of reads cut anywhere (inside a header, inside a payload, several frames
 * per read) and hands payloads on without copying them.
 */
@ExtendWith(LeakDetection.class)
class SmuxFrameDecoderTest {

    /** A NOP, a 5-byte PSH on stream 3, a FIN on stream 3, a 300-byte PSH on stream 5, as GOST writes them. */
    private static final byte[] WIRE = wire();

    private EmbeddedChannel channel;

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private static byte[] wire() {
        ByteBuf all = Unpooled.buffer();
        SmuxFrame.writeHeader(all, 1, SmuxFrame.NOP, 0, 0);
        SmuxFrame.writeHeader(all, 1, SmuxFrame.PSH, 5, 3).writeBytes(new byte[] {'h', 'e', 'l', 'l', 'o'});
        SmuxFrame.writeHeader(all, 1, SmuxFrame.FIN, 0, 3);
        SmuxFrame.writeHeader(all, 1, SmuxFrame.PSH, 300, 5);
        for (int i = 0; i < 300; i++) {
            all.writeByte(i);
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    /** Feeds {@code WIRE} in reads of {@code cuts} lengths (the rest in a last read) and describes the frames. */
    private List<String> decode(int... cuts) {
        channel = new EmbeddedChannel(new SmuxFrameDecoder());
        int offset = 0;
        for (int cut : cuts) {
            channel.writeInbound(Unpooled.copiedBuffer(WIRE, offset, cut));
            offset += cut;
        }
        if (offset < WIRE.length) {
            channel.writeInbound(Unpooled.copiedBuffer(WIRE, offset, WIRE.length - offset));
        }
        List<String> frames = new ArrayList<>();
        for (SmuxFrame frame; (frame = channel.readInbound()) != null; ) {
            frames.add(SmuxFrame.commandName(frame.command()) + " " + frame.streamId() + " "
                    + ByteBufUtil.hexDump(frame.payload()));
            frame.release();
        }
        return frames;
    }

    private static List<String> expected() {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            big.append(String.format("%02x", i & 0xFF));
        }
        return List.of("NOP 0 ", "PSH 3 68656c6c6f", "FIN 3 ", "PSH 5 " + big);
    }

    @Test
    void framesInOneRead() {
        assertThat(decode(WIRE.length)).isEqualTo(expected());
    }

    @Test
    void framesInReadsCutAtEveryPossibleBoundary() {
        for (int cut = 1; cut < WIRE.length; cut++) {
            assertThat(decode(cut)).as("cut at %d", cut).isEqualTo(expected());
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void framesInReadsOfOneByteEach() {
        int[] cuts = new int[WIRE.length];
        java.util.Arrays.fill(cuts, 1);
        assertThat(decode(cuts)).isEqualTo(expected());
    }

    @Test
    void aPayloadCutByAReadBoundaryIsMadeOfTheReadBuffersNotCopied() {
        channel = new EmbeddedChannel(new SmuxFrameDecoder());
        int cut = WIRE.length - 100; // inside the 300-byte payload
        ByteBuf first = Unpooled.directBuffer(cut).writeBytes(WIRE, 0, cut);
        ByteBuf second = Unpooled.directBuffer(100).writeBytes(WIRE, cut, 100);
        first.retain();
        second.retain();
        try {
            channel.writeInbound(first, second);
            for (int i = 0; i < 3; i++) {
                channel.<SmuxFrame>readInbound().release();
            }
            SmuxFrame data = channel.readInbound();
            try {
                // Changing the read buffers shows through the payload: it is made of them.
                first.setByte(cut - 1, 0x7f);
                second.setByte(0, 0x7e);
                ByteBuf payload = data.payload();
                assertThat(payload.getByte(payload.readerIndex() + 199)).isEqualTo((byte) 0x7f);
                assertThat(payload.getByte(payload.readerIndex() + 200)).isEqualTo((byte) 0x7e);
            } finally {
                data.release();
            }
        } finally {
            first.release();
            second.release();
        }
    }

    @Test
    void aPartialFrameIsReleasedWhenTheConnectionCloses() {
        channel = new EmbeddedChannel(new SmuxFrameDecoder());
        channel.writeInbound(Unpooled.copiedBuffer(WIRE, 0, WIRE.length - 10));
        channel.close();
        // The leak detector (paranoid in tests) fails the class if the partial payload leaked.
        SmuxFrame nop = channel.readInbound();
        assertThat(nop.command()).isEqualTo(SmuxFrame.NOP);
        nop.release();
    }
}
