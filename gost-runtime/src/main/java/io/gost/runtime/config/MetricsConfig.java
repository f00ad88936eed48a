package io.gost.runtime.config;

import io.gost.api.Credentials;
import java.util.Objects;

/**
 * GOST's {@code metrics} section (or {@code -metrics}): where Prometheus scrapes gost.
 *
 * @param addr        where it listens, {@code host:port} or {@code :port}
 * @param path        the URL path, {@code /metrics} by default
 * @param auth        HTTP Basic credentials, or {@code null}
 * @param auther      the name of an {@code authers} entry whose users may scrape (replaces {@code auth}), or
 *                    {@code null}
 * @param clientLabel gost-java's own: label the per-connection metrics with the client's address as GOST does.
 *                    Off by default: every client address becomes a time series of its own, without bound
 * @param origin      where it was configured
 */
public record MetricsConfig(String addr, String path, Credentials auth, String auther, boolean clientLabel,
                            Origin origin) {

    /** GOST's default path. */
    public static final String DEFAULT_PATH = "/metrics";

    public MetricsConfig {
        origin = Objects.requireNonNullElse(origin, Origin.UNKNOWN);
        if (addr == null || addr.isBlank()) {
            throw new ConfigException(origin.child("addr"), "metrics need an addr such as 127.0.0.1:9000");
        }
        path = ApiConfig.normalisePath(path, DEFAULT_PATH);
        auther = auther == null || auther.isBlank() ? null : auther;
    }

    /** GOST's {@code -metrics [user:pass@]addr[?path=/metrics]}. */
    public static MetricsConfig fromFlag(String value) {
        FlagUrl url = FlagUrl.parse("-metrics", value, java.util.List.of("path", "clientLabel"));
        return new MetricsConfig(url.address(), url.query("path"), url.credentials(), null, url.bool("clientLabel"),
                url.origin());
    }
}
