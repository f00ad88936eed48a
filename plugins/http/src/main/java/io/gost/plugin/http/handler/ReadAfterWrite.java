package io.gost.plugin.http.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * Backpressure for one direction of a channel whose auto-read is off: at most one {@code read()} in
 * flight, and the next one only after the write of what was read last has succeeded, so a fast sender
 * can never fill memory faster than the other side drains it.
 */
final class ReadAfterWrite {

    private final Channel channel;
    private boolean readInFlight;
    private ChannelFuture awaitedWrite;

    ReadAfterWrite(Channel channel) {
        this.channel = channel;
    }

    /** Call from {@code channelReadComplete}: the read that was asked for has been served. */
    void readComplete() {
        readInFlight = false;
    }

    /**
     * Asks for one more read once {@code lastWrite} (null when nothing is pending) has succeeded. When it
     * has not completed yet, {@code resume} runs after it succeeds, and should re-check whether a read
     * is still wanted and call this again. A failed write asks for nothing: the channel is going away.
     */
    void readAfter(ChannelFuture lastWrite, Runnable resume) {
        if (readInFlight || !channel.isActive()) {
            return;
        }
        if (lastWrite == null || lastWrite.isSuccess()) {
            readInFlight = true;
            channel.read();
            return;
        }
        if (lastWrite.isDone() || lastWrite == awaitedWrite) {
            return;
        }
        awaitedWrite = lastWrite;
        lastWrite.addListener(written -> {
            if (awaitedWrite == written) {
                awaitedWrite = null;
            }
            if (written.isSuccess()) {
                resume.run();
            }
        });
    }
}
