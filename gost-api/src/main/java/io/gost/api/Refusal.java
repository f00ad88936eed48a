package io.gost.api;

import java.util.Objects;

/**
 * Why the runtime does not let a client's request go ahead: a limit of the service (GOST's {@code climiter}
 * and {@code rlimiter}). A handler answers it in its protocol instead of acting on the request: HTTP 503 for
 * {@link Reason#CONNECTION_LIMIT} and 429 for {@link Reason#RATE_LIMIT}, a SOCKS5 reply 0x02 ("not allowed by
 * ruleset"), a relay response with status 5 ("service unavailable"); then it closes the connection. The
 * runtime has logged it already.
 *
 * @param reason  which kind of limit
 * @param limiter the limiter's name and the line that applied, for the handler's own messages
 * @param message a sentence for the client or the log
 */
public record Refusal(Reason reason, String limiter, String message) {

    /** The kinds of limit. */
    public enum Reason {
        /** The client has as many connections open as the service allows (a {@code climiter}). */
        CONNECTION_LIMIT,
        /** The client sent more requests than the service allows per second (an {@code rlimiter}). */
        RATE_LIMIT
    }

    public Refusal {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(message, "message");
    }
}
