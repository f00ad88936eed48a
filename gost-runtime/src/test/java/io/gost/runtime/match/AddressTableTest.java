package io.gost.runtime.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The index behind admissions, bypasses and limiter lines: most specific entry wins, at any size. */
class AddressTableTest {

    private static byte[] ip(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    @Test
    void theMostSpecificEntryContainingAnAddressGivesItsValue() {
        AddressTable<String> table = AddressTable.<String>builder()
                .addPrefix(ip(10, 0, 0, 0), 8, "10/8")
                .addPrefix(ip(10, 1, 0, 0), 16, "10.1/16")
                .addAddress(ip(10, 1, 2, 3), "10.1.2.3")
                .build();

        assertThat(table.lookup(ip(10, 1, 2, 3))).isEqualTo("10.1.2.3");
        assertThat(table.lookup(ip(10, 1, 2, 4))).isEqualTo("10.1/16");
        assertThat(table.lookup(ip(10, 2, 0, 0))).isEqualTo("10/8");
        assertThat(table.lookup(ip(11, 0, 0, 0))).isNull();
        assertThat(table.lookup(new byte[16])).as("IPv6 has its own segments").isNull();
    }

    @Test
    void aHundredThousandCidrsLoadInUnderASecondAndAnswerEachAddressCorrectly() {
        long start = System.nanoTime();
        AddressTable.Builder<Integer> builder = AddressTable.builder();
        for (int i = 0; i < 100_000; i++) {
            // 100,000 disjoint /28s spread over 16.0.0.0 upwards.
            builder.addPrefix(ip(16 + (i >>> 16), (i >>> 8) & 0xff, i & 0xff, 0), 28, i);
        }
        AddressTable<Integer> table = builder.build();
        long loadNanos = System.nanoTime() - start;

        assertThat(table.size()).isEqualTo(100_000);
        assertThat(loadNanos).as("load time").isLessThan(1_000_000_000L);
        for (int i = 0; i < 100_000; i += 997) {
            assertThat(table.lookup(ip(16 + (i >>> 16), (i >>> 8) & 0xff, i & 0xff, 15))).isEqualTo(i);
            assertThat(table.lookup(ip(16 + (i >>> 16), (i >>> 8) & 0xff, i & 0xff, 16))).isNull();
        }
    }
}
