package io.gost.runtime.limit;

/**
 * How one client connection is paced by a traffic limiter, both ways: a {@link ThrottleHandler} applies it, and
 * closes it when the connection ends (releasing what the limiter keeps per client).
 */
public interface ClientPacing extends AutoCloseable {

    /** Paces reads from the client ({@code in}). */
    Throttle fromClient();

    /** Paces what is written to the client ({@code out}). */
    Throttle toClient();

    @Override
    void close();

    /**
     * Completes once the pacing is known (a limiter plugin's first answers came, or could not be had), on any
     * thread; until then the connection moves nothing, as GOST's first read waits for them. Complete at once
     * unless overridden.
     */
    default java.util.concurrent.CompletableFuture<Void> ready() {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** The handler that applies this pacing at the head of a client's pipeline. */
    default ThrottleHandler handler() {
        return new ThrottleHandler(fromClient(), toClient(), this);
    }
}
