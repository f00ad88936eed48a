package io.gost.api;

import java.time.Duration;

/**
 * What a finished relay moved.
 *
 * @param fromClient bytes read from the client and written upstream
 * @param toClient bytes read from upstream and written to the client
 * @param duration how long the relay ran
 * @param error why it ended abnormally, or {@code null} when both sides closed cleanly
 */
public record RelayResult(long fromClient, long toClient, Duration duration, Throwable error) {
}
