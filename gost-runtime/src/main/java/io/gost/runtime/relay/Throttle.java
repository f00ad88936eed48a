package io.gost.runtime.relay;

/**
 * Paces one direction of a relay (a traffic limiter's hook): after each chunk read from the source, the relay
 * asks how long to wait before reading the next one, and waits by not reading; nothing sleeps and nothing is
 * buffered. Called on the relay's event loop only.
 */
public interface Throttle {

    /**
     * Accounts for {@code bytes} just read from the source.
     *
     * @return nanoseconds to wait before the next read; 0 to read at once
     */
    long onRead(int bytes);

    /**
     * The most bytes worth reading at once, so that one read cannot overshoot a low rate by much (the relay
     * sizes its reads to it); 0 to leave the channel's read size alone.
     */
    default int readSizeLimit() {
        return 0;
    }
}
