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
     * The most bytes worth passing at once, so that one chunk cannot overshoot a low rate by much (reads are
     * sized to it, larger writes are passed in pieces of it); 0 for no limit.
     */
    default int readSizeLimit() {
        return 0;
    }
}
