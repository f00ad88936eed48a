package io.gost.runtime.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a control object (auther, admission, bypass, limiter, hosts) loads more entries from, beside the
 * ones written inline, and how often it loads them again: GOST's {@code file}, {@code redis}, {@code http}
 * and {@code reload}. Later sources win over earlier ones for the same key (inline, file, redis, http).
 *
 * @param reload how often the sources are read again; {@code null} or zero to read them once at start
 *               (GOST: at least one second)
 * @param file   a file with one entry per line, {@code #} comments; or {@code null}
 * @param redis  a Redis key; or {@code null}
 * @param http   a URL answering 200 with the file's format; or {@code null}
 * @param origin where the object was configured
 */
public record DataSources(Duration reload, String file, Redis redis, Http http, Origin origin) {

    /** Nothing but what is written inline. */
    public static final DataSources NONE = new DataSources(null, null, null, null, Origin.UNKNOWN);

    public DataSources {
        reload = reload == null || reload.isZero() || reload.isNegative() ? null
                : reload.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : reload;
        file = file == null || file.isBlank() ? null : file;
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
    }

    /** True when something beside the inline entries is read. */
    public boolean external() {
        return file != null || redis != null || http != null;
    }

    /**
     * A Redis key to read: a set ({@code SMEMBERS}), a list ({@code LRANGE 0 -1}) or, for authers, a hash
     * ({@code HGETALL}: field = user, value = password).
     *
     * @param addr     {@code host:port}
     * @param db       the database number, 0 by default
     * @param username for Redis 6 ACLs, or {@code null}
     * @param password or {@code null}
     * @param key      the key, {@code gost} by default
     * @param type     {@code set} (default) or {@code list}; ignored for authers, which read a hash
     * @param origin   where it was configured
     */
    public record Redis(String addr, int db, String username, String password, String key, String type,
                        Origin origin) {

        public Redis {
            Objects.requireNonNull(addr, "addr");
            key = key == null || key.isBlank() ? "gost" : key;
            type = type == null || type.isBlank() ? "set" : type.trim().toLowerCase(java.util.Locale.ROOT);
            username = username == null || username.isEmpty() ? null : username;
            password = password == null || password.isEmpty() ? null : password;
            origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        }

        @Override
        public String toString() {
            return "redis " + addr + "/" + db + " " + type + " " + key;
        }
    }

    /**
     * A URL read with GET; a 200 answer's body has the file's format.
     *
     * @param url     {@code http://} or {@code https://}
     * @param timeout how long a request may take; {@code null} for no limit of its own (GOST's default)
     * @param origin  where it was configured
     */
    public record Http(String url, Duration timeout, Origin origin) {

        public Http {
            Objects.requireNonNull(url, "url");
            timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? null : timeout;
            origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        }
    }
}
