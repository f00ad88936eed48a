package io.gost.plugin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactAdaptiveRecvByteBufAllocatorTest {

    private static final int MIN = 64;
    private static final int INITIAL = 2048;
    private static final int MAX = 128 * 1024;

    @Test
    void guessesTheSameSizesAsNettysAdaptiveAllocatorReadForRead() {
        Random random = new Random(19);
        for (boolean autoRead : new boolean[] {true, false}) {
            for (int run = 0; run < 200; run++) {
                // Bursts of bulk, small request/response reads and silence, as a relayed connection sees them.
                int[] available = new int[60];
                for (int i = 0; i < available.length; i++) {
                    available[i] = switch (random.nextInt(4)) {
                        case 0 -> random.nextInt(100);
                        case 1 -> random.nextInt(4096);
                        case 2 -> random.nextInt(1 << 20);
                        default -> 1 << 20;
                    };
                }
                assertThat(guesses(new CompactAdaptiveRecvByteBufAllocator(MIN, INITIAL, MAX), autoRead, available))
                        .as("run %d, auto-read %s", run, autoRead)
                        .isEqualTo(guesses(new AdaptiveRecvByteBufAllocator(MIN, INITIAL, MAX), autoRead, available));
            }
        }
    }

    @Test
    void growsToTheMaximumUnderBulkAndShrinksBackToTheMinimum() {
        int[] bulk = new int[20];
        java.util.Arrays.fill(bulk, 1 << 20);
        List<Integer> growing = guesses(new CompactAdaptiveRecvByteBufAllocator(MIN, INITIAL, MAX), false, bulk);
        assertThat(growing.get(0)).isEqualTo(INITIAL);
        assertThat(growing).endsWith(MAX).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(MAX));

        List<Integer> shrinking = guesses(new CompactAdaptiveRecvByteBufAllocator(MIN, INITIAL, MAX), false, new int[100]);
        assertThat(shrinking).endsWith(MIN).allSatisfy(size -> assertThat(size).isGreaterThanOrEqualTo(MIN));
    }

    @Test
    void refusesSizesOutsideNettysTable() {
        assertThatThrownBy(() -> new CompactAdaptiveRecvByteBufAllocator(64, 2000, MAX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2000");
        assertThatThrownBy(() -> new CompactAdaptiveRecvByteBufAllocator(4096, 2048, MAX))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Drives one handle through read loops the way Netty's stream transports do; the sizes it asked for. */
    private static List<Integer> guesses(DefaultMaxMessagesRecvByteBufAllocator allocator, boolean autoRead,
            int[] availablePerReadiness) {
        allocator.maxMessagesPerRead(16);
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelConfig config = channel.config();
        config.setAutoRead(autoRead);
        RecvByteBufAllocator.ExtendedHandle handle = (RecvByteBufAllocator.ExtendedHandle) allocator.newHandle();
        List<Integer> sizes = new ArrayList<>();
        for (int available : availablePerReadiness) {
            handle.reset(config);
            int left = available;
            do {
                int size = handle.guess();
                sizes.add(size);
                handle.attemptedBytesRead(size);
                int read = Math.min(size, left);
                left -= read;
                handle.lastBytesRead(read);
                if (read <= 0) {
                    break;
                }
                handle.incMessagesRead(1);
            } while (handle.continueReading());
            handle.readComplete();
        }
        channel.finishAndReleaseAll();
        return sizes;
    }
}
