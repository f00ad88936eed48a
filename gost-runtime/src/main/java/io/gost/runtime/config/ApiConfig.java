package io.gost.runtime.config;

import io.gost.api.Credentials;
import java.util.Objects;

/**
 * GOST's {@code api} section (or {@code -api}): the Web API's address and who may use it.
 *
 * @param addr       where it listens, {@code host:port} or {@code :port}; {@code :port} means loopback here
 *                   (GOST: every interface), see {@code docs/operations.md}
 * @param pathPrefix the URL path the routes live under, e.g. {@code /api}; empty for none
 * @param accessLog  one log line per request
 * @param auth       HTTP Basic credentials, or {@code null}
 * @param auther     the name of an {@code authers} entry whose users may log in (wins over {@code auth}), or
 *                   {@code null}
 * @param origin     where it was configured
 */
public record ApiConfig(String addr, String pathPrefix, boolean accessLog, Credentials auth, String auther,
                        Origin origin) {

    public ApiConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (addr == null || addr.isBlank()) {
            throw new ConfigException(origin.child("addr"), "the API needs an addr such as 127.0.0.1:18080");
        }
        pathPrefix = normalisePath(pathPrefix, "");
        auther = auther == null || auther.isBlank() ? null : auther;
    }

    /** {@code /api} for {@code api}, {@code api/} or {@code /api/}; {@code fallback} for nothing. */
    static String normalisePath(String path, String fallback) {
        if (path == null || path.isBlank() || path.trim().equals("/")) {
            return fallback;
        }
        String trimmed = path.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
    }

    /** GOST's {@code -api [user:pass@]addr[?pathPrefix=/api&accesslog=true]}. */
    public static ApiConfig fromFlag(String value) {
        FlagUrl url = FlagUrl.parse("-api", value, java.util.List.of("pathPrefix", "accesslog", "accessLog"));
        return new ApiConfig(url.address(), url.query("pathPrefix"),
                url.bool("accesslog") || url.bool("accessLog"), url.credentials(), null, url.origin());
    }
}
