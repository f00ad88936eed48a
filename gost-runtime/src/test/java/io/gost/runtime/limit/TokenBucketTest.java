package io.gost.runtime.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The buckets behind every limiter: what they hold at start and after being idle, and the waits they ask for. */
class TokenBucketTest {

    @Test
    void aFullBucketPassesItsBurstAndNoMore() {
        // rlimiter=1: one request a second with GOST's burst int(R)+1 = 2.
        TokenBucket bucket = TokenBucket.full(1, 2);

        assertThat(bucket.tryTake(1)).isTrue();
        assertThat(bucket.tryTake(1)).isTrue();
        assertThat(bucket.tryTake(1)).as("a third request within the second").isFalse();
    }

    @Test
    void anIdleBucketHoldsAtMostItsBurst() {
        // 100 a second, burst 5: full again after 50 ms.
        TokenBucket bucket = TokenBucket.full(100, 5);
        // Idle for more than twice that (the passage of time is what is tested here).
        long idleUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
        while (System.nanoTime() - idleUntil < 0) {
            Thread.onSpinWait();
        }

        int passed = 0;
        while (bucket.tryTake(1)) {
            passed++;
        }
        assertThat(passed).as("tokens after a long idle (one more may have dripped in meanwhile)").isBetween(5, 6);
        assertThat(bucket.take(100)).as("a second's worth more waits about a second")
                .isBetween(TimeUnit.MILLISECONDS.toNanos(900), TimeUnit.MILLISECONDS.toNanos(1000));
    }

    @Test
    void anEmptyBucketMakesTheFirstBytesWait() {
        TokenBucket bucket = TokenBucket.empty(1024, 1024);

        assertThat(bucket.tryTake(1)).isFalse();
        assertThat(bucket.take(512)).as("half a second's worth on an empty bucket")
                .isBetween(TimeUnit.MILLISECONDS.toNanos(400), TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void aNewRateAppliesToTheNextTake() {
        TokenBucket bucket = TokenBucket.empty(1000, 1000);
        bucket.set(100, 100);

        assertThat(bucket.take(100)).as("a second at the new rate, after the old burst's tolerance")
                .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(900));
    }
}
