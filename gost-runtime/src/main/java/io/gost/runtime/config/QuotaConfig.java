package io.gost.runtime.config;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Objects;

/**
 * A named cumulative traffic quota (GOST 3.3's {@code quotas}): a volume of bytes allowed within the window
 * [{@code startsAt}, {@code expiresAt}); once it is used up, every service naming it stops carrying traffic
 * until the window ends or the counter is reset. Services naming the same quota share one counter.
 *
 * @param name      referenced by a service's {@code quotas}
 * @param limit     bytes allowed in the window; 0 for no limit (counting only)
 * @param startsAt  when counting and enforcing start, or {@code null} for always
 * @param expiresAt when they stop, or {@code null} for never
 * @param direction which bytes count
 * @param flush     how often a changed counter is written to the store
 * @param store     where the counter is kept across restarts
 * @param origin    where it was configured
 */
public record QuotaConfig(String name, long limit, OffsetDateTime startsAt, OffsetDateTime expiresAt,
                          Direction direction, Duration flush, Store store, Origin origin) {

    /** GOST's default flush period. */
    public static final Duration DEFAULT_FLUSH = Duration.ofSeconds(10);
    /** GOST's default store file, relative to the working directory. */
    public static final String DEFAULT_FILE = "gost-quota.json";

    /** Which bytes count: read from the client ({@code in}), written to it ({@code out}), or both. */
    public enum Direction {
        TOTAL, IN, OUT;

        /** GOST's spelling: {@code total}, {@code in}, {@code out}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code total}, {@code in} or {@code out}, any case. */
        public static Direction parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "", "total" -> TOTAL;
                case "in" -> IN;
                case "out" -> OUT;
                default -> throw new IllegalArgumentException("direction '" + text
                        + "' is not total, in or out (GOST reads anything else as total; gost-java would rather"
                        + " tell)");
            };
        }
    }

    /**
     * Where a quota's counter is kept.
     *
     * @param file  the JSON file (GOST's file store), or {@code null} for the Redis store
     * @param redis the Redis hash (GOST's redis store), or {@code null} for the file store
     */
    public record Store(String file, Redis redis) {

        /** GOST's default: {@code gost-quota.json} in the working directory. */
        public static final Store DEFAULT = new Store(DEFAULT_FILE, null);

        public Store {
            if ((file == null) == (redis == null)) {
                throw new IllegalArgumentException("a quota store is a file or a redis hash");
            }
        }

        /** {@code file} or {@code redis}. */
        public String type() {
            return file != null ? "file" : "redis";
        }
    }

    /**
     * A Redis hash holding quota records: field = quota name, value = the record as JSON.
     *
     * @param addr     {@code host:port}
     * @param db       database number
     * @param username ACL user, or {@code null}
     * @param password or {@code null}
     * @param key      the hash's key
     */
    public record Redis(String addr, int db, String username, String password, String key) {

        public Redis {
            Objects.requireNonNull(addr, "addr");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            // Never the password: this text reaches logs and gost check.
            return "redis " + addr + (db == 0 ? "" : " db " + db) + " key " + key;
        }
    }

    public QuotaConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (name == null || name.isBlank()) {
            throw new ConfigException(origin.child("name"), "a quota needs a name");
        }
        name = name.trim();
        if (limit < 0) {
            throw new ConfigException(origin.child("limit"), "quota '" + name + "': limit must be 0 or more");
        }
        direction = Objects.requireNonNullElse(direction, Direction.TOTAL);
        flush = flush == null || flush.isZero() || flush.isNegative() ? DEFAULT_FLUSH : flush;
        store = Objects.requireNonNullElse(store, Store.DEFAULT);
        if (startsAt != null && expiresAt != null && !expiresAt.isAfter(startsAt)) {
            throw new ConfigException(origin.child("expiresAt"), "quota '" + name + "': expiresAt " + expiresAt
                    + " is not after startsAt " + startsAt + ": the window would never be open");
        }
    }

    /** A quota counting everything, forever, in GOST's default file. */
    public static QuotaConfig of(String name, long limit) {
        return new QuotaConfig(name, limit, null, null, Direction.TOTAL, null, null, null);
    }
}
