package io.gost.runtime.limit;

/**
 * Paces one direction of a client connection (a traffic limiter's buckets): after each chunk that passes, the
 * {@link ThrottleHandler} asks how long to wait before the next one may, and waits by not reading (and by
 * holding back the completion of a write, so that whoever writes reads its next chunk only then); nothing
 * sleeps and nothing more than the chunk in flight is held. Called on the connection's event loop only.
 */
public interface Throttle {

    /**
     * Accounts for {@code bytes} that just passed.
     *
     * @return nanoseconds to wait before the next read; 0 to read at once
     */
    long onRead(int bytes);

    /**
     * The largest chunk a throttle needs to size: 128 KiB, what the tcp transport's sockets read at once
     * ({@code SocketReads.MAX_READ_BYTES}). A rate for which a sixteenth of a second's worth is at least this
     * leaves reads and writes as they are ({@link #readSizeLimit} 0): a chunk overshoots it by under a
     * sixteenth of a second, and capping reads below the transport's halves the bytes each read and write
     * carries (measured: 13.6 % of a bulk stream's throughput for a limit far above the link's rate).
     */
    int UNSPLIT_ABOVE = 128 * 1024;

    /**
     * The {@link #readSizeLimit} of buckets whose slowest rate is {@code slowestRate} bytes a second and smallest
     * burst {@code smallestBurst}: a sixteenth of a second's worth (at most the burst, at least 1 KiB), or 0 from
     * {@link #UNSPLIT_ABOVE} bytes on. One rule for every kind of limiter.
     */
    static int chunkSize(double slowestRate, long smallestBurst) {
        long size = Math.min(smallestBurst, (long) (slowestRate / 16));
        return size >= UNSPLIT_ABOVE ? 0 : (int) Math.max(1024, size);
    }

    /**
     * The most bytes worth passing at once, so that one chunk cannot overshoot a low rate by much (reads are
     * sized to it, larger writes are passed in pieces of it); 0 for no limit, which a rate fast enough that
     * chunks of {@link #UNSPLIT_ABOVE} bytes pass in a sixteenth of a second answers too.
     */
    default int readSizeLimit() {
        return 0;
    }
}
