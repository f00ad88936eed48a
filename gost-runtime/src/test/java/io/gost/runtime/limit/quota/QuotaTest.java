package io.gost.runtime.limit.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.gost.runtime.config.QuotaConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One quota's counting, window, reset and store, as GOST's limiter_test.go checks its own. */
class QuotaTest {

    @TempDir
    Path dir;

    private final AtomicInteger changes = new AtomicInteger();

    private QuotaConfig config(long limit, OffsetDateTime startsAt, OffsetDateTime expiresAt,
                               QuotaConfig.Direction direction) {
        return new QuotaConfig("q", limit, startsAt, expiresAt, direction, Duration.ofSeconds(10),
                new QuotaConfig.Store(dir.resolve("quota.json").toString(), null), null);
    }

    private Quota quota(QuotaConfig config) {
        return new Quota(config, QuotaStore.of(config.store()), changes::incrementAndGet);
    }

    @Test
    void itBlocksOnceTheLimitIsReachedAndAResetUnblocksIt() {
        Quota quota = quota(config(100, null, null, QuotaConfig.Direction.TOTAL));

        quota.addIn(60);
        assertThat(quota.blocked()).isFalse();
        quota.addOut(40);

        assertThat(quota.blocked()).isTrue();
        assertThat(changes).hasValue(1);
        assertThat(quota.snapshot()).isEqualTo(new Quota.Snapshot(100, 100, 0, 0, true, false, true, "total"));

        quota.reset(0);

        assertThat(quota.blocked()).isFalse();
        assertThat(quota.snapshot().used()).isZero();
        assertThat(changes).hasValue(2);
    }

    @Test
    void onlyTheConfiguredDirectionCounts() {
        Quota in = quota(config(100, null, null, QuotaConfig.Direction.IN));

        in.addOut(500);
        assertThat(in.snapshot().used()).isZero();
        in.addIn(100);
        assertThat(in.blocked()).isTrue();
    }

    @Test
    void outsideItsWindowNothingIsCountedOrEnforced() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Quota notYet = quota(config(100, now.plusHours(1), null, QuotaConfig.Direction.TOTAL));
        Quota over = quota(new QuotaConfig("over", 100, now.minusDays(2), now.minusDays(1),
                QuotaConfig.Direction.TOTAL, null, new QuotaConfig.Store(dir.resolve("other.json").toString(), null),
                null));

        notYet.addIn(500);
        over.addIn(500);

        assertThat(notYet.snapshot().used()).isZero();
        assertThat(notYet.snapshot().active()).isFalse();
        assertThat(notYet.blocked()).isFalse();
        assertThat(over.snapshot().expired()).isTrue();
        assertThat(over.blocked()).isFalse();
    }

    @Test
    void theFileStoreKeepsTheCounterForTheSameWindowOnly() throws Exception {
        OffsetDateTime start = OffsetDateTime.parse("2025-01-01T00:00:00Z");
        QuotaConfig config = config(1000, start, null, QuotaConfig.Direction.TOTAL);
        Quota first = quota(config);
        first.addIn(300);
        first.close();

        String json = Files.readString(dir.resolve("quota.json"), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\n  \"q\": {\"used\":300,\"limit\":1000,\"startsAt\":1735689600000000000,"
                + "\"expiresAt\":0,\"updatedAt\":");
        assertThat(dir.resolve("quota.json.tmp")).doesNotExist();

        assertThat(quota(config).snapshot().used()).as("same window: restored").isEqualTo(300);
        assertThat(quota(config(1000, start.plusMonths(1), null, QuotaConfig.Direction.TOTAL)).snapshot().used())
                .as("a new window starts from 0").isZero();
    }

    @Test
    void aStartAlreadyUsedUpBlocksAndAReconfiguredLimitReleasesIt() throws Exception {
        Files.writeString(dir.resolve("quota.json"), "{\"q\": {\"used\": 5000, \"limit\": 1000, \"startsAt\": 0,"
                + " \"expiresAt\": 0, \"updatedAt\": 1}}");
        Quotas quotas = new Quotas();
        try {
            quotas.hold(List.of(config(1000, null, null, QuotaConfig.Direction.TOTAL)));
            Quota quota = quotas.get("q").orElseThrow();
            assertThat(quota.blocked()).isTrue();

            // A reload with a higher limit: the same object, the same counter, no longer blocking.
            quotas.hold(List.of(config(10_000, null, null, QuotaConfig.Direction.TOTAL)));
            quotas.release(List.of("q"));

            assertThat(quotas.get("q")).containsSame(quota);
            assertThat(quota.snapshot().used()).isEqualTo(5000);
            assertThat(quota.blocked()).isFalse();

            quotas.release(List.of("q"));
            assertThat(quotas.get("q")).isEmpty();
        } finally {
            quotas.close();
        }
        assertThat(Files.readString(dir.resolve("quota.json"))).contains("\"used\":5000,\"limit\":10000");
    }

    @Test
    void aCorruptFileIsNotWrittenOver() throws Exception {
        Files.writeString(dir.resolve("quota.json"), "not json {");
        Quota quota = quota(config(1000, null, null, QuotaConfig.Direction.TOTAL));

        quota.addIn(10);
        quota.close();

        assertThat(Files.readString(dir.resolve("quota.json"))).isEqualTo("not json {");
    }
}
