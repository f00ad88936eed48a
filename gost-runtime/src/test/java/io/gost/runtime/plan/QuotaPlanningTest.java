package io.gost.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.ConfigWriter;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.config.QuotaConfig;
import io.gost.runtime.config.YamlConfigLoader;
import io.gost.runtime.registry.PluginRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GOST's quotas section and a service's quotas, read, checked with file:line, and shown by gost check. */
class QuotaPlanningTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.load();

    @TempDir
    Path dir;

    private static GostConfig config(String... lines) {
        return new YamlConfigLoader().parse(String.join("\n", lines) + "\n", "app.yaml");
    }

    private static Planner.Result plan(String... lines) {
        return Planner.plan(config(lines), REGISTRY);
    }

    @Test
    void gostsFullExampleIsReadWithItsUnitsTimesAndStore() {
        GostConfig config = config(
                "services:",
                "- name: service-0",
                "  addr: 127.0.0.1:18080",
                "  quotas: [quota-0]",
                "  handler: {type: http}",
                "  listener: {type: tcp}",
                "quotas:",
                "- name: quota-0",
                "  limit: 10GB",
                "  startsAt: \"2025-01-01T00:00:00Z\"",
                "  expiresAt: \"2025-02-01T08:00:00+08:00\"",
                "  direction: in",
                "  flush: 30s",
                "  store: {type: file, file: " + dir.resolve("quota.json") + "}");

        QuotaConfig quota = config.controls().quotas().get(0);
        assertThat(quota.limit()).isEqualTo(10L << 30);
        assertThat(quota.startsAt()).isEqualTo(OffsetDateTime.parse("2025-01-01T00:00:00Z"));
        assertThat(quota.expiresAt().toInstant()).isEqualTo(OffsetDateTime.parse("2025-02-01T00:00:00Z").toInstant());
        assertThat(quota.direction()).isEqualTo(QuotaConfig.Direction.IN);
        assertThat(quota.flush()).isEqualTo(Duration.ofSeconds(30));
        assertThat(quota.store().file()).isEqualTo(dir.resolve("quota.json").toString());
        assertThat(config.services().get(0).controls().quotas()).containsExactly("quota-0");

        Planner.Result result = Planner.plan(config, REGISTRY);
        assertThat(result.problems()).isEmpty();
        assertThat(result.plan().services().get(0).controls().quotas()).containsExactly("quota-0");
        assertThat(PlanDescription.describe(result.plan()))
                .contains("limit    volume: quota quota-0 (used up: stops accepting, cuts connections at their next"
                        + " read or write)")
                .contains("quota quota-0: 10GB in, window from 2025-01-01T00:00Z until 2025-02-01T08:00+08:00; kept"
                        + " in file " + dir.resolve("quota.json") + ", flushed every 30s");
        // Written back (gost -O, the API) as it reads again.
        QuotaConfig reread = config(ConfigWriter.toYaml(config)).controls().quotas().get(0);
        assertThat(withoutOrigin(reread)).isEqualTo(withoutOrigin(quota));
        assertThat(reread.startsAt().toString()).isEqualTo(quota.startsAt().toString());
    }

    private static QuotaConfig withoutOrigin(QuotaConfig quota) {
        return new QuotaConfig(quota.name(), quota.limit(), quota.startsAt(), quota.expiresAt(), quota.direction(),
                quota.flush(), quota.store(), null);
    }

    @Test
    void defaultsAreGostsAndARedisStoreIsReadWithoutShowingItsPassword() {
        GostConfig config = config(
                "quotas:",
                "- name: quota-0",
                "- name: quota-1",
                "  store:",
                "    type: redis",
                "    redis: {addr: 127.0.0.1:6379, db: 1, username: user, password: 123456,"
                        + " key: 'gost:quotas:quota-0'}");

        QuotaConfig plain = config.controls().quotas().get(0);
        assertThat(plain.limit()).isZero();
        assertThat(plain.direction()).isEqualTo(QuotaConfig.Direction.TOTAL);
        assertThat(plain.flush()).isEqualTo(Duration.ofSeconds(10));
        assertThat(plain.store()).isEqualTo(QuotaConfig.Store.DEFAULT);
        QuotaConfig redis = config.controls().quotas().get(1);
        assertThat(redis.store().redis()).isEqualTo(new QuotaConfig.Redis("127.0.0.1:6379", 1, "user", "123456",
                "gost:quotas:quota-0"));
        Planner.Result result = Planner.plan(config, REGISTRY);
        assertThat(result.problems()).isEmpty();
        assertThat(PlanDescription.describe(result.plan()))
                .contains("quota quota-0: no limit (counting only), window always; kept in file "
                        + Path.of("gost-quota.json").toAbsolutePath() + ", flushed every 10s (default)")
                .contains("kept in redis 127.0.0.1:6379 db 1 key gost:quotas:quota-0")
                .doesNotContain("123456");
    }

    @Test
    void badValuesAreRefusedWhereTheyAreWritten() {
        assertThatThrownBy(() -> config(
                "quotas:",
                "- name: q",
                "  limit: 10gb",
                "  startsAt: 2025-01-01",
                "  expiresAt: next week",
                "  direction: both",
                "  flush: soon",
                "- name: r",
                "  store: {type: s3}",
                "- name: s",
                "  store: {type: redis, redis: {db: 2}}",
                "- name: t",
                "  startsAt: \"2025-02-01T00:00:00Z\"",
                "  expiresAt: \"2025-01-01T00:00:00Z\""))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "app.yaml:3: quotas[0].limit: quota limit '10gb': unit 'gb' is not one of B, KB, MB, GB, TB"
                                + " (or KiB, MiB, GiB, TiB; all multiples of 1024, written with these capitals:"
                                + " write GB)",
                        "app.yaml:4: quotas[0].startsAt: '2025-01-01' is not an RFC 3339 time such as"
                                + " 2025-01-01T00:00:00Z (GOST ignores the bound then; gost-java would rather tell)",
                        "app.yaml:5: quotas[0].expiresAt: 'next week' is not an RFC 3339 time such as"
                                + " 2025-01-01T00:00:00Z (GOST ignores the bound then; gost-java would rather tell)",
                        "app.yaml:6: quotas[0].direction: direction 'both' is not total, in or out (GOST reads"
                                + " anything else as total; gost-java would rather tell)",
                        "app.yaml:7: quotas[0].flush: expected a duration such as 10s, 500ms, 1m30s or a number of"
                                + " seconds, got a string ('soon')",
                        "app.yaml:9: quotas[1].store.type: unknown quota store type 's3'; use file or redis (GOST"
                                + " falls back to the file gost-quota.json)",
                        "app.yaml:11: quotas[2].store.redis: a redis store needs an addr such as 127.0.0.1:6379",
                        "app.yaml:11: quotas[2].store.redis: a redis store needs a key, the hash its records are"
                                + " kept in (such as gost:quotas)",
                        "app.yaml:12: quotas[3].expiresAt: quota 't': expiresAt 2025-01-01T00:00Z is not after"
                                + " startsAt 2025-02-01T00:00Z: the window would never be open"));
    }

    @Test
    void aQuotaThatDoesNotExistOrCannotBeKeptIsAPlanError() {
        Planner.Result result = plan(
                "services:",
                "- name: service-0",
                "  addr: 127.0.0.1:18080",
                "  quotas: [quota-0, nope]",
                "  handler: {type: http}",
                "  listener: {type: tcp}",
                "quotas:",
                "- name: quota-0",
                "  store: {file: " + dir.resolve("missing/quota.json") + "}",
                "- name: quota-0");

        assertThat(result.problems()).containsExactly(
                "app.yaml:8: quotas[0].store: quota 'quota-0': the directory of store file "
                        + dir.resolve("missing/quota.json") + " (" + dir.resolve("missing") + ") does not exist, so"
                        + " the counter could never be kept (GOST runs without it and warns at every flush); create it"
                        + " or name another file",
                "app.yaml:10: quotas[1]: a quota named 'quota-0' is defined twice",
                "app.yaml:2: services[0].quotas: no quota named 'nope' in quotas (define it in a -C file's quotas:"
                        + " section; the command line makes none); known: quota-0");
    }
}
