package io.gost.runtime.operations;

import io.gost.runtime.GostRuntime;
import io.gost.runtime.config.ConfigEdit;
import io.gost.runtime.config.ConfigException;
import io.gost.runtime.config.ConfigWriter;
import io.gost.runtime.config.GostConfig;
import io.gost.runtime.operations.HttpEndpoint.Reply;
import io.gost.runtime.operations.HttpEndpoint.Request;
import io.gost.runtime.reload.Reloader;
import io.gost.runtime.service.Service;
import io.gost.runtime.service.ServiceStats;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import io.gost.runtime.limit.quota.Quota;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * GOST's Web API ({@code x/api}), its routes and JSON shapes:
 * <ul>
 * <li>{@code GET /config?format=json|yaml}: the running configuration, services with their {@code status};
 * <li>{@code POST /config?format=&path=}: saves it, to the {@code -C} file (or {@code ./gost.yaml} without
 *     one) and nowhere else;
 * <li>{@code POST /config/reload}: reads the configuration source again, as SIGHUP does;
 * <li>{@code GET|POST /config/KIND}, {@code GET|PUT|DELETE /config/KIND/NAME} for every top-level list of
 *     named objects the configuration schema reads (services, chains, hops, authers, bypasses, and the
 *     sections later features add: no code here names them); GOST's other kinds answer that they are not
 *     supported yet.
 * </ul>
 * Replies: {@code {"msg":"OK"}}; {@code {"data":{"count":N,"list":[...]}}}; {@code {"data":{...}}} (an unknown
 * name gives {@code {}}, as GOST does); errors {@code {"code":C,"msg":"..."}}: 40001 invalid, 40002 duplicate,
 * 40004 not found (HTTP 400), 40003 the change did not start (500), 40005 saving failed (500).
 *
 * <p>Every change is planned and applied like a reload ({@link Reloader#edit}): a body with a problem, or a
 * service that cannot bind, changes nothing, where GOST would already have closed the service. The reply
 * is sent once the change runs, so a new service's port accepts when its POST is answered.
 */
final class ApiRoutes implements HttpEndpoint.Routes {

    /** GOST's kinds of objects ({@code x/api/api.go}). */
    static final List<String> GOST_KINDS = List.of("services", "chains", "hops", "authers", "admissions", "bypasses",
            "resolvers", "hosts", "ingresses", "routers", "observers", "recorders", "sds", "limiters", "quotas",
            "climiters", "rlimiters", "caches");

    private static final String OK = "{\"msg\":\"OK\"}\n";

    private final String prefix;
    private final Reloader reloader;
    private final Path configFile;

    ApiRoutes(String prefix, Reloader reloader, Path configFile) {
        this.prefix = prefix;
        this.reloader = reloader;
        this.configFile = configFile;
    }

    @Override
    public CompletableFuture<Reply> handle(Request request) {
        String path = request.path();
        if (!path.startsWith(prefix + "/config")) {
            return done(HttpEndpoint.error(404, 404, "no such route: " + path + " (the API is under "
                    + (prefix.isEmpty() ? "/" : prefix + "/") + "config)"));
        }
        List<String> parts = new ArrayList<>(List.of(path.substring(prefix.length() + 1).split("/")));
        parts.removeIf(String::isEmpty);
        HttpMethod method = request.method();
        if (parts.size() == 1) {
            if (method.equals(HttpMethod.GET)) {
                return done(config(request.query("format", "json")));
            }
            if (method.equals(HttpMethod.POST)) {
                return done(save(request));
            }
            return notAllowed(request);
        }
        if (parts.size() == 2 && parts.get(1).equals("reload")) {
            if (!method.equals(HttpMethod.POST)) {
                return notAllowed(request);
            }
            return reloader.reload("API").handle((changes, failure) -> failure == null ? Reply.json(200, OK)
                    : problem(failure, 400));
        }
        String kind = parts.get(1);
        if (!GOST_KINDS.contains(kind)) {
            return done(HttpEndpoint.error(404, 404, "no such route: " + path + "; the kinds are "
                    + String.join(", ", GOST_KINDS)));
        }
        Optional<Boolean> supported = ConfigEdit.supports(kind);
        if (supported.isEmpty() || !supported.get()) {
            return done(HttpEndpoint.error(400, ConfigEdit.EditException.INVALID, "'" + kind + "' is GOST's, but"
                    + " gost-java does not support it yet"));
        }
        String where = method.name() + " " + path;
        if (parts.size() == 4 && kind.equals("quotas") && parts.get(3).equals("reset")) {
            if (!method.equals(HttpMethod.POST)) {
                return notAllowed(request);
            }
            return done(resetQuota(parts.get(2), request.body()));
        }
        if (parts.size() == 2) {
            if (method.equals(HttpMethod.GET)) {
                return done(list(kind));
            }
            if (method.equals(HttpMethod.POST)) {
                return change(where, config -> ConfigEdit.add(config, kind, request.body(), where));
            }
            return notAllowed(request);
        }
        if (parts.size() == 3) {
            String name = parts.get(2);
            if (method.equals(HttpMethod.GET)) {
                return done(one(kind, name));
            }
            if (method.equals(HttpMethod.PUT)) {
                return change(where, config -> ConfigEdit.replace(config, kind, name, request.body(), where));
            }
            if (method.equals(HttpMethod.DELETE)) {
                return change(where, config -> ConfigEdit.remove(config, kind, name, where));
            }
            return notAllowed(request);
        }
        return done(HttpEndpoint.error(404, 404, "no such route: " + path));
    }

    private CompletableFuture<Reply> change(String where, UnaryOperator<GostConfig> edit) {
        return reloader.edit(where, edit).handle((changes, failure) -> failure == null ? Reply.json(200, OK)
                : problem(failure, 500));
    }

    /** The error reply for a failed change: the request's fault (400), or the change's (500, 40003). */
    private static Reply problem(Throwable failure, int startFailureStatus) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ConfigEdit.EditException edit) {
            return HttpEndpoint.error(400, edit.code(), edit.getMessage());
        }
        if (cause instanceof ConfigException config) {
            return HttpEndpoint.error(400, ConfigEdit.EditException.INVALID, String.join("; ", config.problems()));
        }
        return HttpEndpoint.error(startFailureStatus, startFailureStatus == 400 ? ConfigEdit.EditException.INVALID
                : 40003, cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    private Reply config(String format) {
        Map<String, Object> tree = ConfigEdit.written(runtime().config());
        tree.put("services", withStatus(tree.get("services")));
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "yaml", "yml" -> Reply.text(200, "text/x-yaml", ConfigWriter.yaml(tree));
            case "json" -> Reply.json(200, ConfigWriter.json(tree));
            default -> HttpEndpoint.error(400, ConfigEdit.EditException.INVALID, "format takes json or yaml, got '"
                    + format + "'");
        };
    }

    private Reply list(String kind) {
        List<Object> items = new ArrayList<>(ConfigEdit.list(runtime().config(), kind));
        if (kind.equals("services")) {
            items = withStatus(items);
        } else if (kind.equals("quotas")) {
            items = items.stream().map(this::withQuotaStatus).toList();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("count", items.size());
        data.put("list", items);
        return Reply.json(200, ConfigWriter.json(Map.of("data", data)));
    }

    private Reply one(String kind, String name) {
        Optional<Map<String, Object>> item = ConfigEdit.get(runtime().config(), kind, name);
        if (item.isEmpty()) {
            return Reply.json(200, "{}\n");
        }
        Object data = kind.equals("services") ? withStatus(List.of(item.get())).get(0)
                : kind.equals("quotas") ? withQuotaStatus(item.get()) : item.get();
        return Reply.json(200, ConfigWriter.json(Map.of("data", data)));
    }

    /** The services, each with GOST's {@code status}: createTime, state, events, stats. */
    @SuppressWarnings("unchecked")
    private List<Object> withStatus(Object services) {
        List<Object> replaced = new ArrayList<>();
        if (services instanceof List<?> list) {
            for (Object item : list) {
                Map<String, Object> service = new LinkedHashMap<>((Map<String, Object>) item);
                runtime().service(String.valueOf(service.get("name"))).ifPresent(running -> {
                    Map<String, Object> status = status(running);
                    putQuotaStatus(status, service.get("quotas"));
                    service.put("status", status);
                });
                replaced.add(service);
            }
        }
        return replaced;
    }

    static Map<String, Object> status(Service service) {
        ServiceStats stats = service.stats();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("createTime", stats.createTime());
        status.put("state", service.isDraining() ? "closed" : "running");
        status.put("events", List.of());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("totalConns", stats.totalConnections());
        counts.put("currentConns", stats.currentConnections());
        counts.put("totalErrs", stats.errors());
        counts.put("inputBytes", stats.inputBytes());
        counts.put("outputBytes", stats.outputBytes());
        status.put("stats", counts);
        return status;
    }

    /**
     * GOST's service status for quotas: each quota's usage, and {@code stoppedByLimit} when one of them is used
     * up (the service then accepts nothing and cuts its connections at their next read or write).
     */
    private void putQuotaStatus(Map<String, Object> status, Object names) {
        boolean stopped = false;
        List<Object> quotas = new ArrayList<>();
        if (names instanceof List<?> list && runtime().controls() != null) {
            for (Object name : list) {
                Optional<Quota> quota = runtime().controls().quotas().get(String.valueOf(name));
                if (quota.isPresent()) {
                    Map<String, Object> usage = new LinkedHashMap<>();
                    usage.put("name", quota.get().name());
                    usage.putAll(quotaStatus(quota.get().snapshot()));
                    stopped |= quota.get().snapshot().blocked();
                    quotas.add(usage);
                }
            }
        }
        if (!quotas.isEmpty()) {
            status.put("quotas", quotas);
        }
        status.put("stoppedByLimit", stopped);
    }

    /** A quota as written, with GOST's read-only {@code status}. */
    private Object withQuotaStatus(Object item) {
        if (!(item instanceof Map<?, ?> written) || runtime().controls() == null) {
            return item;
        }
        Map<String, Object> quota = new LinkedHashMap<>();
        written.forEach((key, value) -> quota.put(String.valueOf(key), value));
        runtime().controls().quotas().get(String.valueOf(quota.get("name")))
                .ifPresent(running -> quota.put("status", quotaStatus(running.snapshot())));
        return quota;
    }

    /** GOST's {@code QuotaStatus}: {@code used}, {@code limit}, window in Unix seconds, and the state flags. */
    private static Map<String, Object> quotaStatus(Quota.Snapshot snapshot) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("used", snapshot.used());
        status.put("limit", snapshot.limit());
        if (snapshot.startsAt() != 0) {
            status.put("startsAt", snapshot.startsAt());
        }
        if (snapshot.expiresAt() != 0) {
            status.put("expiresAt", snapshot.expiresAt());
        }
        status.put("active", snapshot.active());
        if (snapshot.expired()) {
            status.put("expired", true);
        }
        status.put("blocked", snapshot.blocked());
        status.put("direction", snapshot.direction());
        return status;
    }

    /**
     * {@code POST /config/quotas/NAME/reset}: sets the counter to the body's {@code used} (0 without one), at once
     * and in the store; services stopped by it accept again when it is below the limit.
     */
    private Reply resetQuota(String name, String body) {
        Optional<Quota> quota = runtime().controls() == null ? Optional.empty()
                : runtime().controls().quotas().get(name);
        if (quota.isEmpty()) {
            return HttpEndpoint.error(400, ConfigEdit.EditException.NOT_FOUND, "quota " + name + " not found");
        }
        long used = 0;
        if (body != null && !body.isBlank()) {
            Object parsed;
            try {
                parsed = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                        new org.yaml.snakeyaml.LoaderOptions())).load(body);
            } catch (RuntimeException e) {
                return HttpEndpoint.error(400, ConfigEdit.EditException.INVALID, "the body is not JSON: "
                        + e.getMessage());
            }
            Object value = parsed instanceof Map<?, ?> map ? map.get("used") : null;
            if (parsed != null && !(parsed instanceof Map<?, ?>)) {
                return HttpEndpoint.error(400, ConfigEdit.EditException.INVALID, "the body is {\"used\": BYTES}");
            }
            if (value != null) {
                if (!(value instanceof Number number) || number.longValue() < 0) {
                    return HttpEndpoint.error(400, ConfigEdit.EditException.INVALID, "used must be a number of"
                            + " bytes, 0 or more; got " + value);
                }
                used = number.longValue();
            }
        }
        quota.get().reset(used);
        return Reply.json(200, OK);
    }

    /** {@code POST /config}: writes the running configuration to the configuration file, nowhere else. */
    private Reply save(Request request) {
        Path target = configFile != null ? configFile : Path.of("gost.yaml");
        String asked = request.query("path", null);
        if (asked != null && !asked.isBlank() && !Path.of(asked).toAbsolutePath().normalize()
                .equals(target.toAbsolutePath().normalize())) {
            return HttpEndpoint.error(400, ConfigEdit.EditException.INVALID, "the configuration is saved to "
                    + target + " only (GOST writes any path it is given, which lets whoever reaches the API write"
                    + " files); leave out path");
        }
        String name = target.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = request.query("format", name.endsWith(".yaml") || name.endsWith(".yml") ? "yaml" : "json");
        String text;
        switch (format.toLowerCase(Locale.ROOT)) {
            case "yaml", "yml" -> text = ConfigWriter.toYaml(runtime().config());
            case "json" -> text = ConfigWriter.toJson(runtime().config());
            default -> {
                return HttpEndpoint.error(400, ConfigEdit.EditException.INVALID, "format takes json or yaml, got '"
                        + format + "'");
            }
        }
        try {
            Path absolute = target.toAbsolutePath();
            Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return HttpEndpoint.error(500, 40005, "saving to " + target + " failed: " + e.getMessage());
        }
        return Reply.json(200, OK);
    }

    private GostRuntime runtime() {
        return reloader.runtime();
    }

    private static CompletableFuture<Reply> notAllowed(Request request) {
        return done(HttpEndpoint.error(405, 405, request.method() + " is not allowed on " + request.path()));
    }

    private static CompletableFuture<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
