package io.gost.runtime.config;

import io.gost.api.Credentials;
import io.gost.api.Metadata;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Prints a {@link GostConfig} as YAML or JSON with GOST's field names ({@code gost -O yaml|json}), so the
 * output can be saved and loaded again with {@code -C}. Passwords are printed, as GOST prints them: the
 * output is the user's own configuration. Fields at their defaults are left out, as GOST's
 * {@code omitempty} does.
 *
 * <p>Why this class is long: it mirrors {@link ConfigTreeMapper} section by section, so that everything the
 * mapper reads is written back; one short method per section.
 */
public final class ConfigWriter {

    private ConfigWriter() {
    }

    /**
     * The configuration in {@code format}.
     *
     * @param format {@code yaml} or {@code json}
     * @throws IllegalArgumentException for any other format
     */
    public static String write(GostConfig config, String format) {
        return switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "yaml", "yml" -> toYaml(config);
            case "json" -> toJson(config);
            default -> throw new IllegalArgumentException("unknown output format '" + format + "', use yaml or json");
        };
    }

    /** The configuration as a YAML document, indented by two spaces like GOST's. */
    public static String toYaml(GostConfig config) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setSplitLines(false);
        return new Yaml(options).dump(tree(config));
    }

    /** The configuration as a JSON document, indented by two spaces like GOST's. */
    public static String toJson(GostConfig config) {
        StringBuilder json = new StringBuilder();
        appendJson(tree(config), json, "");
        return json.append('\n').toString();
    }

    /** Maps, lists, strings, numbers and booleans as JSON, indented by two spaces (the Web API's replies). */
    public static String json(Object tree) {
        StringBuilder json = new StringBuilder();
        appendJson(tree, json, "");
        return json.append('\n').toString();
    }

    /** Maps, lists and scalars as YAML, as {@link #toYaml} writes a configuration. */
    public static String yaml(Object tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setSplitLines(false);
        return new Yaml(options).dump(tree);
    }

    /** The configuration as nested maps and lists with GOST's field names, defaults left out. */
    static Map<String, Object> tree(GostConfig config) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<HopConfig> topLevel = config.hops();
        root.put("services", config.services().stream().map(service -> service(service, topLevel)).toList());
        putIfNotEmpty(root, "chains", config.chains().stream().map(chain -> chain(chain, topLevel)).toList());
        putIfNotEmpty(root, "hops", topLevel.stream().map(ConfigWriter::hop).toList());
        putIfNotEmpty(root, "authers", config.authers().stream().map(ConfigWriter::auther).toList());
        putIfNotEmpty(root, "bypasses", config.bypasses().stream().map(ConfigWriter::bypass).toList());
        ControlConfigs controls = config.controls();
        putIfNotEmpty(root, "admissions", controls.admissions().stream().map(ConfigWriter::admission).toList());
        for (LimiterConfig.Kind kind : LimiterConfig.Kind.values()) {
            putIfNotEmpty(root, kind.section(), controls.limiters(kind).stream().map(ConfigWriter::limiter).toList());
        }
        putIfNotEmpty(root, "quotas", controls.quotas().stream().map(ConfigWriter::quota).toList());
        putIfNotEmpty(root, "hosts", controls.hosts().stream().map(ConfigWriter::hostsMapper).toList());
        putIfNotEmpty(root, "resolvers", controls.resolvers().stream().map(ConfigWriter::resolver).toList());
        if (!config.log().equals(LogConfig.DEFAULT)) {
            Map<String, Object> log = new LinkedHashMap<>();
            log.put("level", config.log().level());
            log.put("format", config.log().format());
            log.put("output", config.log().output());
            LogConfig.Rotation rotation = config.log().rotation();
            if (rotation != null) {
                Map<String, Object> rotationMap = new LinkedHashMap<>();
                rotationMap.put("maxSize", rotation.maxSize());
                rotationMap.put("maxAge", rotation.maxAge());
                rotationMap.put("maxBackups", rotation.maxBackups());
                rotationMap.put("localTime", rotation.localTime());
                rotationMap.put("compress", rotation.compress());
                log.put("rotation", rotationMap);
            }
            root.put("log", log);
        }
        if (config.api() != null) {
            ApiConfig api = config.api();
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("addr", api.addr());
            if (!api.pathPrefix().isEmpty()) {
                map.put("pathPrefix", api.pathPrefix());
            }
            if (api.accessLog()) {
                map.put("accesslog", true);
            }
            if (api.auth() != null) {
                map.put("auth", auth(api.auth()));
            }
            putIfNotNull(map, "auther", api.auther());
            root.put("api", map);
        }
        if (config.metrics() != null) {
            MetricsConfig metrics = config.metrics();
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("addr", metrics.addr());
            if (!metrics.path().equals(MetricsConfig.DEFAULT_PATH)) {
                map.put("path", metrics.path());
            }
            if (metrics.auth() != null) {
                map.put("auth", auth(metrics.auth()));
            }
            putIfNotNull(map, "auther", metrics.auther());
            if (metrics.clientLabel()) {
                map.put("clientLabel", true);
            }
            root.put("metrics", map);
        }
        if (config.netnsProvider() != null) {
            root.put("netns", Map.of("provider", config.netnsProvider()));
        }
        if (config.tls() != null) {
            root.put("tls", tls(config.tls()));
        }
        return root;
    }

    /** The top-level hop {@code hop} is (a reference resolved by the loader), or {@code null} for its own hop. */
    private static HopConfig topLevel(HopConfig hop, List<HopConfig> topLevel) {
        return topLevel.stream().filter(candidate -> candidate == hop || candidate.equals(hop)).findFirst().orElse(null);
    }

    private static Map<String, Object> service(ServiceConfig service, List<HopConfig> topLevel) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", service.name());
        map.put("addr", service.addr());
        map.put("handler", plugin(service.handler()));
        map.put("listener", plugin(service.listener()));
        if (service.forwarder() != null && topLevel(service.forwarder(), topLevel) != null) {
            map.put("forwarder", Map.of("hop", service.forwarder().name()));
        } else if (service.forwarder() != null) {
            HopConfig forwarder = service.forwarder();
            Map<String, Object> forwarderMap = new LinkedHashMap<>();
            // A forwarder without a name of its own is named after its service; reloading restores that.
            if (!forwarder.name().equals(service.name())) {
                forwarderMap.put("name", forwarder.name());
            }
            putSelector(forwarderMap, forwarder.selector());
            forwarderMap.put("nodes", forwarder.nodes().stream().map(ConfigWriter::node).toList());
            map.put("forwarder", forwarderMap);
        }
        putReferences(map, service.controls());
        putMetadata(map, service.metadata());
        return map;
    }

    /** GOST's reference fields: one name as {@code key}, several as its list form. */
    private static void putReferences(Map<String, Object> map, ControlRefs refs) {
        putNames(map, "admission", "admissions", refs.admissions());
        putNames(map, "bypass", "bypasses", refs.bypasses());
        putIfNotNull(map, "limiter", refs.limiter());
        putIfNotNull(map, "climiter", refs.climiter());
        putIfNotNull(map, "rlimiter", refs.rlimiter());
        putIfNotNull(map, "hosts", refs.hosts());
        putIfNotNull(map, "resolver", refs.resolver());
        putIfNotEmpty(map, "quotas", refs.quotas());
    }

    private static void putNames(Map<String, Object> map, String single, String plural, List<String> names) {
        if (names.size() == 1) {
            map.put(single, names.get(0));
        } else if (!names.isEmpty()) {
            map.put(plural, names);
        }
    }

    private static Map<String, Object> plugin(PluginConfig plugin) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", plugin.type());
        if (plugin.retries() > 0) {
            map.put("retries", plugin.retries());
        }
        putIfNotNull(map, "chain", plugin.chain());
        if (plugin.chainGroup() != null) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("chains", plugin.chainGroup().chains());
            putSelector(group, plugin.chainGroup().selector());
            map.put("chainGroup", group);
        }
        if (plugin.authers().size() == 1) {
            map.put("auther", plugin.authers().get(0));
        } else if (!plugin.authers().isEmpty()) {
            map.put("authers", plugin.authers());
        }
        if (plugin.auth() != null) {
            map.put("auth", auth(plugin.auth()));
        }
        putIfNotNull(map, "limiter", plugin.limiter());
        if (plugin.tls() != null) {
            map.put("tls", tls(plugin.tls()));
        }
        putMetadata(map, plugin.metadata());
        return map;
    }

    /** A tls block with GOST's key names, options nested, unset keys left out. */
    private static Map<String, Object> tls(TlsConfig tls) {
        Map<String, Object> map = new LinkedHashMap<>();
        putIfNotNull(map, "certFile", tls.certFile());
        putIfNotNull(map, "keyFile", tls.keyFile());
        putIfNotNull(map, "caFile", tls.caFile());
        putIfNotNull(map, "secure", tls.secure());
        putIfNotNull(map, "serverName", tls.serverName());
        Map<String, Object> options = new LinkedHashMap<>();
        putIfNotNull(options, "minVersion", tls.minVersion() == null ? null : tls.minVersion().gostName());
        putIfNotNull(options, "maxVersion", tls.maxVersion() == null ? null : tls.maxVersion().gostName());
        putIfNotEmpty(options, "cipherSuites", tls.cipherSuites());
        putIfNotEmpty(options, "alpn", tls.alpn());
        if (!options.isEmpty()) {
            map.put("options", options);
        }
        putIfNotNull(map, "validity", tls.validity() == null ? null : goDuration(tls.validity()));
        putIfNotNull(map, "commonName", tls.commonName());
        putIfNotNull(map, "organization", tls.organization());
        putIfNotNull(map, "rejectUnknownSNI", tls.rejectUnknownSni());
        putIfNotEmpty(map, "serverNames", tls.serverNames());
        return map;
    }

    private static Map<String, Object> chain(ChainConfig chain, List<HopConfig> topLevel) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", chain.name());
        map.put("hops", chain.hops().stream().map(hop -> topLevel(hop, topLevel) != null
                ? Map.<String, Object>of("name", hop.name()) : hop(hop)).toList());
        putMetadata(map, chain.metadata());
        return map;
    }

    private static Map<String, Object> hop(HopConfig hop) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", hop.name());
        putSelector(map, hop.selector());
        putReferences(map, hop.controls());
        putMetadata(map, hop.metadata());
        map.put("nodes", hop.nodes().stream().map(ConfigWriter::node).toList());
        return map;
    }

    private static Map<String, Object> node(NodeConfig node) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", node.name());
        map.put("addr", node.addr());
        if (node.connector() != null) {
            map.put("connector", plugin(node.connector()));
        }
        if (node.dialer() != null) {
            map.put("dialer", plugin(node.dialer()));
        }
        putIfNotNull(map, "netns", node.netns());
        putReferences(map, node.controls());
        putMetadata(map, node.metadata());
        return map;
    }

    private static Map<String, Object> auther(AutherConfig auther) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", auther.name());
        putIfNotEmpty(map, "auths", auther.auths().stream().map(ConfigWriter::auth).toList());
        putSources(map, auther.sources());
        putPlugin(map, auther.plugin());
        return map;
    }

    /** A control object's {@code plugin} block, when it has one. */
    private static void putPlugin(Map<String, Object> map, ControlPlugin controlPlugin) {
        if (controlPlugin == null) {
            return;
        }
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("type", controlPlugin.type());
        plugin.put("addr", controlPlugin.addr());
        putIfNotNull(plugin, "token", controlPlugin.token());
        if (controlPlugin.timeout() != null) {
            plugin.put("timeout", goDuration(controlPlugin.timeout()));
        }
        if (controlPlugin.tls()) {
            Map<String, Object> tls = new LinkedHashMap<>();
            if (controlPlugin.secure()) {
                tls.put("secure", true);
            }
            putIfNotNull(tls, "serverName", controlPlugin.serverName());
            plugin.put("tls", tls);
        }
        map.put("plugin", plugin);
    }

    private static Map<String, Object> admission(AdmissionConfig admission) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", admission.name());
        if (admission.whitelist()) {
            map.put("whitelist", true);
        }
        putIfNotEmpty(map, "matchers", admission.matchers());
        putSources(map, admission.sources());
        putPlugin(map, admission.plugin());
        return map;
    }

    private static Map<String, Object> limiter(LimiterConfig limiter) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", limiter.name());
        putIfNotEmpty(map, "limits", limiter.limits());
        putSources(map, limiter.sources());
        putPlugin(map, limiter.plugin());
        return map;
    }

    private static Map<String, Object> quota(QuotaConfig quota) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", quota.name());
        if (quota.limit() > 0) {
            map.put("limit", io.gost.runtime.limit.Sizes.format(quota.limit()));
        }
        putIfNotNull(map, "startsAt", quota.startsAt() == null ? null : rfc3339(quota.startsAt()));
        putIfNotNull(map, "expiresAt", quota.expiresAt() == null ? null : rfc3339(quota.expiresAt()));
        if (quota.direction() != QuotaConfig.Direction.TOTAL) {
            map.put("direction", quota.direction().text());
        }
        if (!quota.flush().equals(QuotaConfig.DEFAULT_FLUSH)) {
            map.put("flush", goDuration(quota.flush()));
        }
        if (!quota.store().equals(QuotaConfig.Store.DEFAULT)) {
            Map<String, Object> store = new LinkedHashMap<>();
            store.put("type", quota.store().type());
            if (quota.store().file() != null) {
                store.put("file", quota.store().file());
            } else {
                QuotaConfig.Redis redis = quota.store().redis();
                Map<String, Object> redisMap = new LinkedHashMap<>();
                redisMap.put("addr", redis.addr());
                if (redis.db() != 0) {
                    redisMap.put("db", redis.db());
                }
                putIfNotNull(redisMap, "username", redis.username());
                putIfNotNull(redisMap, "password", redis.password());
                redisMap.put("key", redis.key());
                store.put("redis", redisMap);
            }
            map.put("store", store);
        }
        return map;
    }

    /** With seconds always (OffsetDateTime.toString drops zero seconds, which RFC 3339 does not allow). */
    private static String rfc3339(java.time.OffsetDateTime time) {
        return java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }

    private static Map<String, Object> hostsMapper(HostsConfig hosts) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", hosts.name());
        putIfNotEmpty(map, "mappings", hosts.mappings().stream().map(mapping -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("ip", mapping.ip());
            entry.put("hostname", mapping.hostname());
            putIfNotEmpty(entry, "aliases", mapping.aliases());
            return entry;
        }).toList());
        putSources(map, hosts.sources());
        putPlugin(map, hosts.plugin());
        return map;
    }

    private static Map<String, Object> resolver(ResolverConfig resolver) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", resolver.name());
        putPlugin(map, resolver.plugin());
        putIfNotEmpty(map, "nameservers", resolver.nameservers().stream().map(server -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("addr", server.addr());
            putIfNotNull(entry, "chain", server.chain());
            putIfNotNull(entry, "prefer", server.prefer());
            putIfNotNull(entry, "only", server.only());
            putIfNotNull(entry, "clientIP", server.clientIp());
            putIfNotNull(entry, "hostname", server.hostname());
            if (server.ttl() != null) {
                entry.put("ttl", goDuration(server.ttl()));
            }
            if (!server.timeout().equals(java.time.Duration.ofSeconds(5))) {
                entry.put("timeout", goDuration(server.timeout()));
            }
            if (server.async()) {
                entry.put("async", true);
            }
            return entry;
        }).toList());
        return map;
    }

    private static void putSources(Map<String, Object> map, DataSources sources) {
        if (sources.reload() != null) {
            map.put("reload", goDuration(sources.reload()));
        }
        if (sources.file() != null) {
            map.put("file", Map.of("path", sources.file()));
        }
        if (sources.redis() != null) {
            DataSources.Redis redis = sources.redis();
            Map<String, Object> redisMap = new LinkedHashMap<>();
            redisMap.put("addr", redis.addr());
            if (redis.db() != 0) {
                redisMap.put("db", redis.db());
            }
            putIfNotNull(redisMap, "username", redis.username());
            putIfNotNull(redisMap, "password", redis.password());
            redisMap.put("key", redis.key());
            if (!redis.type().equals("set")) {
                redisMap.put("type", redis.type());
            }
            map.put("redis", redisMap);
        }
        if (sources.http() != null) {
            Map<String, Object> http = new LinkedHashMap<>();
            http.put("url", sources.http().url());
            if (sources.http().timeout() != null) {
                http.put("timeout", goDuration(sources.http().timeout()));
            }
            map.put("http", http);
        }
    }

    private static Map<String, Object> bypass(BypassConfig bypass) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", bypass.name());
        if (bypass.whitelist()) {
            map.put("whitelist", true);
        }
        putIfNotNull(map, "network", bypass.network());
        putIfNotEmpty(map, "matchers", bypass.matchers());
        putSources(map, bypass.sources());
        putPlugin(map, bypass.plugin());
        return map;
    }

    private static Map<String, Object> auth(Credentials credentials) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("username", credentials.username());
        if (!credentials.password().isEmpty()) {
            map.put("password", credentials.password());
        }
        return map;
    }

    private static void putSelector(Map<String, Object> map, SelectorConfig selector) {
        if (selector.equals(SelectorConfig.DEFAULT)) {
            return;
        }
        Map<String, Object> selectorMap = new LinkedHashMap<>();
        selectorMap.put("strategy", selector.strategy());
        selectorMap.put("maxFails", selector.maxFails());
        selectorMap.put("failTimeout", goDuration(selector.failTimeout()));
        map.put("selector", selectorMap);
    }

    private static void putMetadata(Map<String, Object> map, Metadata metadata) {
        if (!metadata.isEmpty()) {
            map.put("metadata", new LinkedHashMap<>(metadata.asMap()));
        }
    }

    private static void putIfNotNull(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static void putIfNotEmpty(Map<String, Object> map, String key, List<?> list) {
        if (!list.isEmpty()) {
            map.put(key, list);
        }
    }

    /** A duration in Go's syntax, which GOST and {@link Metadata#parseDuration} read: 10s, 1m30s, 500ms. */
    public static String goDuration(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.getNano() == 0) {
            long seconds = duration.getSeconds();
            StringBuilder text = new StringBuilder();
            if (seconds >= 3600) {
                text.append(seconds / 3600).append('h');
                seconds %= 3600;
            }
            if (seconds >= 60) {
                text.append(seconds / 60).append('m');
                seconds %= 60;
            }
            if (seconds > 0) {
                text.append(seconds).append('s');
            }
            return text.toString();
        }
        long nanos = duration.toNanos();
        if (nanos % 1_000_000 == 0 && nanos < 1_000_000_000L) {
            return nanos / 1_000_000 + "ms";
        }
        return new BigDecimal(nanos).movePointLeft(9).stripTrailingZeros().toPlainString() + "s";
    }

    private static void appendJson(Object value, StringBuilder json, String indent) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                json.append("{}");
                return;
            }
            json.append("{\n");
            String inner = indent + "  ";
            List<String> keys = new ArrayList<>();
            map.keySet().forEach(key -> keys.add(String.valueOf(key)));
            for (int i = 0; i < keys.size(); i++) {
                json.append(inner);
                appendString(keys.get(i), json);
                json.append(": ");
                appendJson(map.get(keys.get(i)), json, inner);
                json.append(i + 1 < keys.size() ? ",\n" : "\n");
            }
            json.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                json.append("[]");
                return;
            }
            json.append("[\n");
            String inner = indent + "  ";
            for (int i = 0; i < list.size(); i++) {
                json.append(inner);
                appendJson(list.get(i), json, inner);
                json.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            json.append(indent).append(']');
        } else if (value == null) {
            json.append("null");
        } else if (value instanceof Boolean
                || (value instanceof Number number && Double.isFinite(number.doubleValue()))) {
            json.append(value);
        } else {
            appendString(String.valueOf(value), json);
        }
    }

    private static void appendString(String text, StringBuilder json) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
