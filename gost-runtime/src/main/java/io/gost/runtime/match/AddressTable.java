package io.gost.runtime.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A lookup table from IP addresses to values, built from CIDRs and address ranges: each address gets the
 * value of the most specific entry containing it (the longest prefix; for ranges, the entry added with the
 * highest specificity), or {@code null}.
 *
 * <p>Built once into sorted, disjoint segments, one array per address family, so that a lookup is one binary
 * search: 100,000 CIDRs make at most 200,001 segments and a lookup takes about 18 comparisons, with no
 * allocation. Immutable and thread-safe; a reload builds a new table and swaps it in.
 *
 * @param <V> what an entry maps to ({@link Boolean#TRUE} for a plain set)
 */
public final class AddressTable<V> {

    private static final AddressTable<?> EMPTY = new AddressTable<>(Segments.EMPTY, Segments.EMPTY, 0);

    private final Segments ipv4;
    private final Segments ipv6;
    private final int entries;

    private AddressTable(Segments ipv4, Segments ipv6, int entries) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.entries = entries;
    }

    /** A table without entries. */
    @SuppressWarnings("unchecked")
    public static <V> AddressTable<V> empty() {
        return (AddressTable<V>) EMPTY;
    }

    /** Starts a table. */
    public static <V> Builder<V> builder() {
        return new Builder<>();
    }

    /** The value of the most specific entry containing {@code ip} (4 or 16 bytes), or {@code null}. */
    @SuppressWarnings("unchecked")
    public V lookup(byte[] ip) {
        if (ip == null) {
            return null;
        }
        Segments segments = ip.length == 4 ? ipv4 : ipv6;
        return (V) segments.lookup(IpAddress.high(ip), IpAddress.low(ip));
    }

    /** True when some entry contains {@code ip}. */
    public boolean contains(byte[] ip) {
        return lookup(ip) != null;
    }

    /** The number of entries the table was built from. */
    public int size() {
        return entries;
    }

    public boolean isEmpty() {
        return entries == 0;
    }

    @Override
    public String toString() {
        return "AddressTable[" + entries + " entries, " + (ipv4.size() + ipv6.size()) + " segments]";
    }

    /** Collects entries; {@link #build} sorts them into segments. */
    public static final class Builder<V> {

        private final List<Entry> ipv4 = new ArrayList<>();
        private final List<Entry> ipv6 = new ArrayList<>();
        private int order;

        private Builder() {
        }

        /**
         * Adds the network {@code ip/bits}: the host bits of {@code ip} are ignored, as {@code 10.1.2.3/8}
         * means {@code 10.0.0.0/8}. Of two identical networks the later wins.
         */
        public Builder<V> addPrefix(byte[] ip, int bits, V value) {
            int width = ip.length * 8;
            if (bits < 0 || bits > width) {
                throw new IllegalArgumentException("prefix length " + bits + " is outside 0-" + width);
            }
            long[] start = new long[2];
            long[] end = new long[2];
            mask(ip, bits, start, end);
            add(ip.length, start, end, value, bits);
            return this;
        }

        /** Adds every address from {@code low} to {@code high} (both included, one family), at {@code specificity}. */
        public Builder<V> addRange(byte[] low, byte[] high, V value, int specificity) {
            if (low.length != high.length) {
                throw new IllegalArgumentException("a range's ends must be of one address family");
            }
            long[] start = {IpAddress.high(low), IpAddress.low(low)};
            long[] end = {IpAddress.high(high), IpAddress.low(high)};
            if (compare(start[0], start[1], end[0], end[1]) > 0) {
                throw new IllegalArgumentException("a range must not start above its end");
            }
            add(low.length, start, end, value, specificity);
            return this;
        }

        /** Adds one address, more specific than any network containing it. */
        public Builder<V> addAddress(byte[] ip, V value) {
            return addPrefix(ip, ip.length * 8, value);
        }

        private void add(int length, long[] start, long[] end, Object value, int specificity) {
            Entry entry = new Entry(start[0], start[1], end[0], end[1], value, specificity, order++);
            (length == 4 ? ipv4 : ipv6).add(entry);
        }

        public AddressTable<V> build() {
            int entries = ipv4.size() + ipv6.size();
            if (entries == 0) {
                return empty();
            }
            return new AddressTable<>(Segments.of(ipv4), Segments.of(ipv6), entries);
        }

        /** Fills {@code start} and {@code end} (high, low) with the first and last address of {@code ip/bits}. */
        private static void mask(byte[] ip, int bits, long[] start, long[] end) {
            long high = IpAddress.high(ip);
            long low = IpAddress.low(ip);
            if (ip.length == 4) {
                bits += 96; // the 32 IPv4 bits are the lowest of the 128-bit key
            }
            long highMask = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
            long lowMask = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
            if (ip.length == 4) {
                highMask = -1L; // the unused high bits are zero anyway
            }
            start[0] = high & highMask;
            start[1] = low & lowMask;
            end[0] = high | ~highMask;
            end[1] = low | ~lowMask;
            if (ip.length == 4) {
                end[0] = 0;
                end[1] &= 0xffff_ffffL;
            }
        }
    }

    static int compare(long highA, long lowA, long highB, long lowB) {
        int high = Long.compareUnsigned(highA, highB);
        return high != 0 ? high : Long.compareUnsigned(lowA, lowB);
    }

    /** One entry as added: an interval, its value, and which entry wins where several overlap. */
    private record Entry(long startHigh, long startLow, long endHigh, long endLow, Object value, int specificity,
                         int order) {

        /** The winner among overlapping entries: the most specific, then the latest added. */
        static final Comparator<Entry> PRECEDENCE = Comparator.comparingInt(Entry::specificity)
                .thenComparingInt(Entry::order).reversed();

        boolean endsAtTop() {
            return endHigh == -1L && endLow == -1L;
        }
    }

    /** Sorted, disjoint segment starts of one family and the value of each segment ({@code null} = none). */
    private static final class Segments {

        static final Segments EMPTY = new Segments(new long[0], new long[0], new Object[0]);

        private final long[] highs;
        private final long[] lows;
        private final Object[] values;

        private Segments(long[] highs, long[] lows, Object[] values) {
            this.highs = highs;
            this.lows = lows;
            this.values = values;
        }

        int size() {
            return values.length;
        }

        Object lookup(long high, long low) {
            // The last segment starting at or before the key.
            int from = 0;
            int to = values.length - 1;
            int found = -1;
            while (from <= to) {
                int middle = (from + to) >>> 1;
                if (compare(highs[middle], lows[middle], high, low) <= 0) {
                    found = middle;
                    from = middle + 1;
                } else {
                    to = middle - 1;
                }
            }
            return found < 0 ? null : values[found];
        }

        /**
         * A sweep over the entries' boundaries: at each boundary the entries that end before it leave, those
         * that start at it join, and the winner of the active ones gives the segment's value. Adjacent
         * segments with one value are merged.
         */
        static Segments of(List<Entry> entries) {
            if (entries.isEmpty()) {
                return EMPTY;
            }
            // Boundary events: a start adds an entry; the address after an end removes it.
            int count = 0;
            long[][] events = new long[entries.size() * 2][];
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                events[count++] = new long[] {entry.startHigh(), entry.startLow(), i, 1};
                if (!entry.endsAtTop()) {
                    long low = entry.endLow() + 1;
                    long high = entry.endHigh() + (low == 0 ? 1 : 0);
                    events[count++] = new long[] {high, low, i, 0};
                }
            }
            long[][] sorted = Arrays.copyOf(events, count);
            Arrays.sort(sorted, (a, b) -> compare(a[0], a[1], b[0], b[1]));

            Entry[] all = entries.toArray(new Entry[0]);
            PriorityQueue<Integer> active = new PriorityQueue<>(
                    (a, b) -> Entry.PRECEDENCE.compare(all[a], all[b]));
            boolean[] removed = new boolean[all.length];
            List<long[]> starts = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            int i = 0;
            while (i < sorted.length) {
                long high = sorted[i][0];
                long low = sorted[i][1];
                for (; i < sorted.length && sorted[i][0] == high && sorted[i][1] == low; i++) {
                    int index = (int) sorted[i][2];
                    if (sorted[i][3] == 1) {
                        active.add(index);
                    } else {
                        removed[index] = true;
                    }
                }
                while (!active.isEmpty() && removed[active.peek()]) {
                    active.poll(); // lazily dropped: it ended earlier
                }
                Object value = active.isEmpty() ? null : all[active.peek()].value();
                if (!values.isEmpty() && values.get(values.size() - 1) == value) {
                    continue; // same value as the segment before: one segment
                }
                starts.add(new long[] {high, low});
                values.add(value);
            }
            long[] highs = new long[starts.size()];
            long[] lows = new long[starts.size()];
            for (int s = 0; s < starts.size(); s++) {
                highs[s] = starts.get(s)[0];
                lows[s] = starts.get(s)[1];
            }
            return new Segments(highs, lows, values.toArray());
        }
    }
}
